import java.util.Scanner;

public class Menu {
    private static final String[] OPTIONS = {"list", "add", "quit"};
    private int[][] grid = new int[3][4];

    public void run(Scanner in) {
        int choice;
        do {
            for (int i = 0; i < OPTIONS.length; i++) {
                System.out.println((i + 1) + ") " + OPTIONS[i]);
            }
            choice = in.nextInt();
            assert choice > 0 : "choice must be positive";
            grid[choice % 3][0] += choice << 1;
        } while (choice != 3 && !Thread.currentThread().isInterrupted());
        Object lock = this;
        synchronized (lock) {
            lock.notifyAll();
        }
        String s = choice > 1 ? "many" : choice == 1 ? "one" : "none";
        Class<?> k = String.class;
    }
}
