package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import ninja.check.FiniteDifferences;
import ninja.check.Graph;
import ninja.check.Reference;
import ninja.check.Verdict;
import ninja.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The two local-VJP references agree with each other on a random upstream gradient (libtorch autograd in float32,
 * finite differences of single steps in float64), and on the real upstream each gives back the full gradient.
 */
class TorchVjpTest {
    @Test
    void torchAndFiniteDifferencesAgreeOnARandomUpstream() {
        TorchReferenceTest.Setup s = TorchReferenceTest.Setup.of("lecture");
        Reference.Result real = TorchReferenceTest.TORCH.compute(s.p(), s.b());
        Random r = new Random(11);
        Map<String, Tensor> up = new LinkedHashMap<>();
        real.values().forEach((name, v) -> {
            float[] d = new float[v.numel()];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (0.01 * r.nextGaussian());
            }
            up.put(name, Tensor.of(d, v.shape()));
        });
        up.remove("loss");
        Reference.Result torch = TorchReferenceTest.TORCH.localVjps(s.p(), s.b(), up, Graph.EXERCISE1);
        Reference.Result fd = new FiniteDifferences(64, true).localVjps(s.p(), s.b(), up, Graph.EXERCISE1);
        for (String x : Graph.EXERCISE1) {
            float[] a = torch.grads().get(x).data(), b = fd.grads().get(x).data();
            int[] idx = fd.sampledIndices(x);
            float[] ta = idx == null ? a : pick(a, idx), tb = idx == null ? b : pick(b, idx);
            double maxdiff = 0, scale = 0;
            for (int i = 0; i < ta.length; i++) {
                maxdiff = Math.max(maxdiff, Math.abs((double) ta[i] - tb[i]));
                scale = Math.max(scale, Math.abs(tb[i]));
            }
            assertThat(scale).as(x).isGreaterThan(0); // a random upstream exercises every step, logit_maxes too
            assertThat(maxdiff).as(x).isLessThanOrEqualTo(1e-5 * scale + 100 * Verdict.EPS32 * scale);
        }
    }

    private static float[] pick(float[] v, int[] idx) {
        float[] out = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }
}
