package ninja.rng;

/**
 * {@code torch.multinomial(probs, num_samples=1, generator=g)} for one row of probabilities, as libtorch 2.7.1
 * does it on the CPU, bit for bit in the generator stream.
 *
 * <p>With one sample (or without replacement) ATen's {@code multinomial_out} (aten/src/ATen/native/Distributions.cpp)
 * does not walk a cumulative distribution; it takes the Gumbel-max fast path:
 * <pre>
 * q = torch.empty_like(probs).exponential_(1, generator=g)   # one Exp(1) per element, in memory order
 * q = probs / q                                               # float32 division
 * ix = q.argmax(-1)                                           # first index of the maximum (NaN counts as max)
 * </pre>
 * {@code exponential_} on the CPU: the source has an MKL branch ({@code vsRngExponential}), but it is compiled out
 * of the shipped 2.7.1 binary (no VSL symbols in libtorch_cpu.so, checked with nm), so the default kernel runs:
 * {@code exponential_distribution<double>}: {@code u = (random64() & (2^53-1)) * 2^-53},
 * {@code e = -1/lambda * log1p(-u)} in double (glibc log1p), then rounded to float. It consumes exactly two 32-bit
 * MT19937 outputs per element, so a 27-character vocabulary advances the generator by 54 outputs per draw.
 * (Java's {@link StrictMath#log1p} and glibc's log1p agree except in rare last-bit cases of a double, which the
 * rounding to float almost always hides.)
 */
public final class Multinomial {
    private Multinomial() {
    }

    /** One {@code Exp(1)} draw as {@code exponential_} stores it into a float tensor. */
    public static float exponential(TorchGenerator g) {
        double u = g.uniformDouble();
        return (float) (-1.0 * StrictMath.log1p(-u));
    }

    /** Draws one index from probs[off .. off+n), consuming n exponential draws from g. */
    public static int sample(float[] probs, int off, int n, TorchGenerator g) {
        int best = -1;
        float bestQ = 0f;
        for (int i = 0; i < n; i++) {
            float q = probs[off + i] / exponential(g);
            // argmax: the first maximum wins; a NaN is larger than everything (torch's argmax treats NaN as max)
            if (best < 0 || q > bestQ || (Float.isNaN(q) && !Float.isNaN(bestQ))) {
                best = i;
                bestQ = q;
            }
        }
        return best;
    }

    public static int sample(float[] probs, TorchGenerator g) {
        return sample(probs, 0, probs.length, g);
    }
}
