package ninja.rng;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MultinomialTest {

    @Test
    void consumesTwoMersenneOutputsPerElementLikeExponentialDouble() {
        TorchGenerator a = new TorchGenerator(2147483657L);
        TorchGenerator b = new TorchGenerator(2147483657L);
        float[] probs = new float[27];
        java.util.Arrays.fill(probs, 1f / 27);
        Multinomial.sample(probs, a);
        for (int i = 0; i < 2 * 27; i++) {
            b.random();
        }
        assertThat(a.random()).isEqualTo(b.random());
    }

    @Test
    void exponentialIsMinusLog1pOfMinusTheDoubleUniform() {
        TorchGenerator a = new TorchGenerator(7);
        TorchGenerator b = new TorchGenerator(7);
        for (int i = 0; i < 1000; i++) {
            long bits = b.random64() & ((1L << 53) - 1);
            double u = bits / 9007199254740992.0;                 // 2^53
            assertThat(Multinomial.exponential(a)).isEqualTo((float) -Math.log1p(-u));
        }
    }

    @Test
    void aCertainOutcomeIsAlwaysDrawn() {
        TorchGenerator g = new TorchGenerator(1);
        float[] probs = new float[5];
        probs[3] = 1f;
        for (int i = 0; i < 200; i++) {
            assertThat(Multinomial.sample(probs, g)).isEqualTo(3);
        }
    }

    @Test
    void frequenciesFollowTheProbabilities() {
        TorchGenerator g = new TorchGenerator(2147483647L);
        float[] probs = {0.5f, 0.25f, 0.125f, 0.125f, 0f};
        int n = 40_000;
        int[] counts = new int[probs.length];
        for (int i = 0; i < n; i++) {
            counts[Multinomial.sample(probs, g)]++;
        }
        assertThat(counts[4]).isZero();
        for (int k = 0; k < 4; k++) {
            double expected = probs[k] * n;
            // 5 standard deviations of a binomial count
            assertThat(Math.abs(counts[k] - expected)).isLessThan(5 * Math.sqrt(expected * (1 - probs[k])));
        }
    }

    @Test
    void unnormalisedWeightsWorkLikeTorch() {
        // torch.multinomial accepts any non-negative weights; only ratios matter (p / q is scale-invariant)
        TorchGenerator a = new TorchGenerator(3);
        TorchGenerator b = new TorchGenerator(3);
        float[] p = {0.1f, 0.2f, 0.7f};
        float[] w = {1f, 2f, 7f};
        for (int i = 0; i < 500; i++) {
            int x = Multinomial.sample(p, a);
            int y = Multinomial.sample(w, b);
            // the same exponentials: the argmax can only differ when two ratios are within rounding of each other
            assertThat(x).isEqualTo(y);
        }
    }
}
