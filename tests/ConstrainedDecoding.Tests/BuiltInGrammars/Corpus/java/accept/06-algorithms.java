public class Algorithms {
    public static int[] sieve(int n) {
        boolean[] composite = new boolean[n + 1];
        int count = 0;
        outer:
        for (int i = 2; i <= n; i++) {
            if (composite[i]) continue outer;
            count++;
            for (long j = (long) i * i; j <= n; j += i) {
                composite[(int) j] = true;
            }
        }
        int[] primes = new int[count];
        int k = 0;
        for (int i = 2; i <= n; i++)
            if (!composite[i]) primes[k++] = i;
        return primes;
    }

    public static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a < 0 ? -a : a;
    }

    static final int MASK = 0xFF_FF, BITS = 0b1010;
    static final double EPS = 1e-9, HALF = .5, TWO = 2.0d;
    static final char NL = '\n';
    private static volatile long counter = 10_000L;
}
