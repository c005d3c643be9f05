package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ninja.rng.Multinomial;
import ninja.rng.TorchGenerator;
import org.junit.jupiter.api.Test;

/**
 * What of {@code torch.multinomial(probs, 1, generator=g)} libtorch 2.7.1 can be checked through DJL.
 *
 * <p>DJL 0.36 exposes neither multinomial nor exponential_, and every DJL random op uses torch's default generator.
 * The CPU multinomial fast path is {@code argmax(probs / exponential_(q))} with
 * {@code exponential = -log1p(-u)}, u the 53-bit double uniform {@code (random64() & (2^53-1)) * 2^-53}.
 * Two of its three pieces are checkable here:
 * <ol>
 * <li>the uniform stream: {@code torch.rand(n, dtype=float64)} draws exactly those u, one random64 per element, from
 * the seeded default generator, so our exponentials consume the same words in the same order;</li>
 * <li>the float32 division and argmax (first maximum) on the same exponentials.</li>
 * </ol>
 * Not checkable through DJL: glibc's log1p itself (we use StrictMath.log1p; they may differ in the last bit of a
 * double, which the rounding to float almost always absorbs).
 */
class MultinomialTorchTest {

    @Test
    void ourExponentialsConsumeTorchsDoubleUniformStream() {
        long seed = 2147483647L + 10;                         // the lecture's sampling seed, beyond int: JniUtils
        int n = 27 * 50;                                      // 50 draws over a 27-character vocabulary
        try (NDManager m = NDManager.newBaseManager()) {
            JniUtils.setSeed(seed);
            double[] u = m.randomUniform(0f, 1f, new Shape(n), DataType.FLOAT64).toDoubleArray();
            TorchGenerator g = new TorchGenerator(seed);
            TorchGenerator h = new TorchGenerator(seed);
            for (int i = 0; i < n; i++) {
                assertThat(g.uniformDouble()).as("u[%d]", i).isEqualTo(u[i]);
                assertThat(Multinomial.exponential(h)).isEqualTo((float) -StrictMath.log1p(-u[i]));
            }
        }
    }

    @Test
    void divisionAndArgmaxMatchTorchOnTheSameExponentials() {
        TorchGenerator g = new TorchGenerator(1);
        java.util.Random r = new java.util.Random(5);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int k = 0; k < 300; k++) {
                float[] probs = new float[27];
                float sum = 0;
                for (int i = 0; i < probs.length; i++) {
                    probs[i] = r.nextInt(4) == 0 ? 0f : r.nextFloat();   // zeros, as a trained softmax nearly has
                    sum += probs[i];
                }
                for (int i = 0; i < probs.length; i++) {
                    probs[i] /= sum;
                }
                TorchGenerator copy = new TorchGenerator(0);
                copy.setState(g.state());
                float[] e = new float[27];
                for (int i = 0; i < e.length; i++) {
                    e[i] = Multinomial.exponential(copy);
                }
                int ours = Multinomial.sample(probs, g);
                NDArray q = m.create(probs).div(m.create(e));
                assertThat(ours).isEqualTo((int) q.argMax().getLong());
            }
        }
    }
}
