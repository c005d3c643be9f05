package ninja.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import ninja.nn.BatchNorm1d;
import ninja.nn.CrossEntropyLoss;
import ninja.nn.Embedding;
import ninja.nn.Layer;
import ninja.nn.Linear;
import ninja.nn.Param;
import ninja.nn.Tanh;
import ninja.tensor.Ops;
import ninja.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Exercise 5's fd reference: finite differences of one layer's float64 forward give the layers' hand-written
 * backward for a random upstream (at the sampled elements), and a wrong upstream does not.
 */
class LayerFdVjpTest {
    static final Random R = new Random(55);

    static Tensor randn(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.numel(); i++) {
            t.data()[i] = (float) R.nextGaussian();
        }
        return t;
    }

    /** max |fd - backward| over the compared elements, relative to max |backward|, over dx and every parameter. */
    static double relErr(Layer layer, Tensor x, Tensor v, Tensor vForFd) {
        Layer.Plan plan = layer.plan(x.shape());
        plan.forward(x, true);
        Tensor dx = plan.backward(v);
        LayerFdVjp.Result r = LayerFdVjp.vjp(layer, x, vForFd, 16);
        double worst = dx == null ? 0 : rel(dx, r.dinput(), r.sampled().get(layer));
        for (Param p : layer.params()) {
            worst = Math.max(worst, rel(p.grad, r.dparams().get(p), r.sampled().get(p)));
        }
        return worst;
    }

    static double rel(Tensor mine, Tensor fd, int[] idx) {
        double d = 0, s = 0;
        for (int i = 0; i < mine.numel(); i++) {
            if (idx == null || java.util.Arrays.binarySearch(idx, i) >= 0) {
                d = Math.max(d, Math.abs(mine.data()[i] - fd.data()[i]));
                s = Math.max(s, Math.abs(mine.data()[i]));
            } else {
                assertThat(fd.data()[i]).isNaN();             // never a silent pass where nothing was differenced
            }
        }
        return d / s;
    }

    @Test
    void finiteDifferencesGiveEachLayersBackward() {
        BatchNorm1d bn = new BatchNorm1d(6);
        for (int j = 0; j < 6; j++) {
            bn.gamma.value.data()[j] = 1f + 0.3f * (float) R.nextGaussian();
        }
        Tensor ix = Tensor.of(new float[] {1, 1, 4, 0, 2, 4}, 2, 3);
        Object[][] cases = {
            {new Linear(randn(5, 4), randn(4)), randn(3, 2, 5)},
            {bn, randn(4, 3, 6)},
            {new Tanh(), randn(3, 7)},
            {new Embedding(randn(5, 3)), ix},
        };
        for (Object[] c : cases) {
            Layer layer = (Layer) c[0];
            Tensor x = (Tensor) c[1];
            Tensor v = randn(layer.outShape(x.shape()));
            assertThat(relErr(layer, x, v, v)).as(layer.describe()).isLessThan(1e-4);
            assertThat(relErr(layer, x, v, Ops.mul(1.01f, v))).as(layer.describe()).isGreaterThan(5e-3);
        }
    }

    @Test
    void theCrossEntropysVjpIsDlossTimesTheFusedGradient() {
        Tensor logits = randn(4, 6);
        int[] y = {5, 0, 0, 2};
        CrossEntropyLoss ce = new CrossEntropyLoss(4, 6);
        ce.forwardBackward(logits, y);
        Tensor fd = LayerFdVjp.crossEntropy(logits, y, 2.5f);
        assertThat(rel(Ops.mul(2.5f, ce.dlogits()), fd, null)).isLessThan(1e-5);
    }
}
