package ninja.rng;

import java.math.BigInteger;
import java.util.List;

/**
 * CPython's {@code random.Random}, as far as the lecture uses it: {@code random.seed(int)} and
 * {@code random.shuffle(list)}, bit for bit, so the train/val/test split is the notebook's word for word.
 */
public final class PythonRandom {
    private final Mt19937 mt = new Mt19937();

    /** {@code random.seed(seed)} for an int seed: the key is |seed| as little-endian 32-bit words. */
    public PythonRandom(long seed) {
        BigInteger n = BigInteger.valueOf(seed).abs();
        int words = Math.max(1, (n.bitLength() + 31) / 32);
        int[] key = new int[words];
        for (int i = 0; i < words; i++) {
            key[i] = n.shiftRight(32 * i).intValue();
        }
        mt.initByArray(key);
    }

    /** {@code getrandbits(k)} for 1 <= k <= 32. */
    public long getrandbits(int k) {
        if (k < 1 || k > 32) {
            throw new IllegalArgumentException("k must be in 1..32, got " + k);
        }
        return Integer.toUnsignedLong(mt.nextInt()) >>> (32 - k);
    }

    /** {@code _randbelow_with_getrandbits(n)}: rejection sampling on n.bit_length() bits. */
    public int randbelow(int n) {
        int k = 32 - Integer.numberOfLeadingZeros(n);
        long r = getrandbits(k);
        while (r >= n) {
            r = getrandbits(k);
        }
        return (int) r;
    }

    /** {@code random.shuffle(x)}: Fisher-Yates from the end, exactly as CPython 3. */
    public <T> void shuffle(List<T> x) {
        for (int i = x.size() - 1; i >= 1; i--) {
            int j = randbelow(i + 1);
            T tmp = x.get(i);
            x.set(i, x.get(j));
            x.set(j, tmp);
        }
    }
}
