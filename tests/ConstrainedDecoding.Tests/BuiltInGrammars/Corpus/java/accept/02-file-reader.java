import java.io.*;
import java.nio.file.Files;
import java.nio.file.Path;

public final class LineCounter {
    public static long countLines(Path path) throws IOException {
        long count = 0;
        try (BufferedReader reader = Files.newBufferedReader(path)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) continue;
                count++;
            }
        } catch (FileNotFoundException | SecurityException e) {
            System.err.println("cannot open " + path + ": " + e.getMessage());
            return -1L;
        } finally {
            System.out.println("done");
        }
        return count;
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            System.out.printf("%s: %d%n", a, countLines(Path.of(a)));
        }
    }
}
