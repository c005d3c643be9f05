package ninja.rng;

/**
 * The Mersenne Twister MT19937 (Matsumoto and Nishimura, 1998), 32-bit output.
 *
 * <p>Both generators the lecture relies on are this engine: CPython's {@code random} (seeded through
 * {@code init_by_array}) and PyTorch's CPU generator (seeded through {@code init_genrand}). Only the seeding
 * differs, so it lives in the two callers.
 */
public final class Mt19937 {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int mti = N + 1;

    /** {@code init_genrand}: the reference seeding from one 32-bit word. */
    public void initGenrand(int seed) {
        mt[0] = seed;
        for (mti = 1; mti < N; mti++) {
            mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
        }
    }

    /** {@code init_by_array}: the reference seeding from a key of 32-bit words (CPython's {@code random.seed}). */
    public void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** The next 32 random bits, as an int (read it unsigned with {@link Integer#toUnsignedLong}). */
    public int nextInt() {
        if (mti >= N) {
            if (mti == N + 1) {
                initGenrand(5489);
            }
            twist();
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        int kk;
        for (kk = 0; kk < N - M; kk++) {
            int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        }
        for (; kk < N - 1; kk++) {
            int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        }
        int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
        mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        mti = 0;
    }

    /** The full state (624 words and the position), for checkpoints. */
    public int[] state() {
        int[] s = new int[N + 1];
        System.arraycopy(mt, 0, s, 0, N);
        s[N] = mti;
        return s;
    }

    public void setState(int[] s) {
        if (s.length != N + 1 || s[N] < 0 || s[N] > N + 1) {
            throw new IllegalArgumentException("not an MT19937 state: " + s.length + " words");
        }
        System.arraycopy(s, 0, mt, 0, N);
        mti = s[N];
    }
}
