package ninja.rng;

/**
 * PyTorch's CPU generator, {@code torch.Generator().manual_seed(seed)}, reproduced bit for bit for the draws the
 * lecture makes: {@code randn}, {@code randint} and {@code multinomial(probs, 1)}.
 *
 * <p>Torch's CPU generator is an MT19937 seeded with {@code init_genrand} on the low 32 bits of the seed.
 * {@code random()} is one 32-bit output; {@code random64()} is two, the first one the high word. The normal
 * distribution has two code paths in ATen ({@code normal_kernel}): tensors of 16 or more float elements are
 * filled with 24-bit uniforms and then transformed 16 at a time by Box-Muller in float
 * ({@code normal_fill_AVX2}, with avx_mathfun's log and sincos, see {@link AvxMathfun}); smaller ones draw
 * doubles from 53-bit uniforms, one Box-Muller pair per two elements, the second half cached in the generator.
 */
public final class TorchGenerator {
    private final Mt19937 mt = new Mt19937();
    private long seed;
    /** ATen's {@code next_double_normal_sample}: the cached sine half of the last small-path Box-Muller pair. */
    private boolean hasCachedNormal;
    private double cachedNormal;

    public TorchGenerator(long seed) {
        manualSeed(seed);
    }

    /** {@code manual_seed(seed)}: resets the engine and the cached normal. */
    public TorchGenerator manualSeed(long seed) {
        this.seed = seed;
        mt.initGenrand((int) seed);
        hasCachedNormal = false;
        return this;
    }

    public long initialSeed() {
        return seed;
    }

    /** {@code CPUGeneratorImpl::random()}: 32 random bits, unsigned. */
    public long random() {
        return Integer.toUnsignedLong(mt.nextInt());
    }

    /** {@code CPUGeneratorImpl::random64()}: the first 32-bit draw is the high word. */
    public long random64() {
        long hi = random();
        long lo = random();
        return (hi << 32) | lo;
    }

    /** {@code uniform_real_distribution<float>(0, 1)}: 24 random bits scaled into [0, 1). */
    public float uniformFloat() {
        return (random() & ((1 << 24) - 1)) * (1.0f / (1 << 24));
    }

    /** {@code uniform_real_distribution<double>(0, 1)}: 53 random bits of random64() scaled into [0, 1). */
    public double uniformDouble() {
        return (random64() & ((1L << 53) - 1)) * (1.0 / (1L << 53));
    }

    /** {@code torch.randn(n, generator=g)} as float32 values in a new array. */
    public float[] randn(int n) {
        float[] out = new float[n];
        randn(out);
        return out;
    }

    /** Fills {@code out} as {@code torch.randn(out.length, generator=g)} would. */
    public void randn(float[] out) {
        int n = out.length;
        if (n >= 16) {
            normalFill(out);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = (float) normalDouble();
            }
        }
    }

    /** ATen {@code normal_fill}: all uniforms first, then Box-Muller over blocks of 16; a ragged tail redraws the last 16. */
    private void normalFill(float[] data) {
        int size = data.length;
        for (int i = 0; i < size; i++) {
            data[i] = uniformFloat();
        }
        for (int i = 0; i < size - 15; i += 16) {
            normalFill16(data, i);
        }
        if (size % 16 != 0) {
            int start = size - 16;
            for (int i = 0; i < 16; i++) {
                data[start + i] = uniformFloat();
            }
            normalFill16(data, start);
        }
    }

    /** 2*pi as the AVX2 kernel holds it: {@code _mm256_set1_ps(2.0f * c10::pi<double>)}. */
    private static final float TWO_PI = (float) (2.0f * Math.PI);

    /**
     * ATen {@code normal_fill_16_AVX2}, the path libtorch takes on x86 CPUs with AVX2 (checked bit for bit
     * against libtorch 2.7.1 in ninja-torch): Box-Muller in float with avx_mathfun's log and sincos,
     * {@code theta} rounded to float before the sincos (the portable {@code normal_fill_16} computes it in
     * double and calls the C library, and gives different bits in about a third of the draws).
     */
    private static void normalFill16(float[] data, int off) {
        float[] sc = new float[2];
        for (int j = 0; j < 8; j++) {
            float u1 = 1.0f - data[off + j];
            float u2 = data[off + j + 8];
            float radius = (float) Math.sqrt(-2.0f * AvxMathfun.log(u1)); // sqrt_ps is correctly rounded
            float theta = TWO_PI * u2;
            AvxMathfun.sincos(theta, sc);
            // fmadd(n, std = 1, mean = 0): exact, except that it turns -0 into +0
            data[off + j] = radius * sc[1] + 0.0f;
            data[off + j + 8] = radius * sc[0] + 0.0f;
        }
    }

    /** {@code at::normal_distribution<double>(0, 1)} with the generator's cached second sample. */
    public double normalDouble() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = uniformDouble();
        double u2 = uniformDouble();
        double r = Math.sqrt(-2.0 * Math.log1p(-u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = r * Math.sin(theta);
        hasCachedNormal = true;
        return r * Math.cos(theta);
    }

    /**
     * {@code torch.randint(low, high, (n,), generator=g)}: {@code random() % range + low}, or {@code random64() %
     * range + low} for ranges of 2^28 or more (ATen's {@code uniform_int_from_to_distribution} in the public
     * builds; the 2^32 threshold in the same source is for Meta's internal build only).
     */
    public int[] randint(int low, int high, int n) {
        int[] out = new int[n];
        randint(low, high, out);
        return out;
    }

    public void randint(int low, int high, int[] out) {
        if (high <= low) {
            throw new IllegalArgumentException("randint needs low < high, got " + low + ", " + high);
        }
        long range = (long) high - low;
        if (range >= 1L << 28) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) (Long.remainderUnsigned(random64(), range) + low);
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) (random() % range + low);
            }
        }
    }

    /** Engine state plus the cached normal, for checkpoints. */
    public long[] state() {
        int[] s = mt.state();
        long[] out = new long[s.length + 3];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i];
        }
        out[s.length] = seed;
        out[s.length + 1] = hasCachedNormal ? 1 : 0;
        out[s.length + 2] = Double.doubleToRawLongBits(cachedNormal);
        return out;
    }

    public void setState(long[] st) {
        if (st.length != 628) {
            throw new IllegalArgumentException("not a torch generator state: " + st.length + " words, expected 628");
        }
        int[] s = new int[625];
        for (int i = 0; i < 625; i++) {
            s[i] = (int) st[i];
        }
        mt.setState(s);
        seed = st[625];
        hasCachedNormal = st[626] != 0;
        cachedNormal = Double.longBitsToDouble(st[627]);
    }
}
