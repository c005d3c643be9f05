package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import ninja.nn.BatchNorm1d;
import ninja.nn.Embedding;
import ninja.nn.FlattenConsecutive;
import ninja.nn.Layer;
import ninja.nn.Linear;
import ninja.nn.Param;
import ninja.nn.Tanh;
import ninja.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each layer's {@link Layer.Plan#backward} for a random upstream gradient against libtorch autograd's
 * vector-Jacobian product of the same layer at the same input ({@link TorchLayers#vjp}): one layer, one rounding
 * history, so the float32 tolerance of {@link Close} applies as it is.
 */
class LayerVjpTest {
    static final Random R = new Random(20240501);

    static Tensor randn(int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) R.nextGaussian();
        }
        return t;
    }

    static Tensor indices(int vocab, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = R.nextInt(vocab);
        }
        d[1] = d[0];                                                  // a repeated index: the scatter must add
        return t;
    }

    /** Batchnorm with gamma and beta away from ones and zeros, so that both enter the backward. */
    static BatchNorm1d batchNorm(int dim) {
        BatchNorm1d bn = new BatchNorm1d(dim);
        float[] g = bn.gamma.value.data(), b = bn.beta.value.data();
        for (int j = 0; j < dim; j++) {
            g[j] = 1f + 0.3f * (float) R.nextGaussian();
            b[j] = 0.3f * (float) R.nextGaussian();
        }
        return bn;
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of(new Embedding(randn(27, 5)), indices(27, 3, 4)),
                Arguments.of(new FlattenConsecutive(2), randn(3, 4, 5)),
                Arguments.of(new FlattenConsecutive(2), randn(3, 2, 5)),        // [3, 1, 10] squeezed to [3, 10]
                Arguments.of(new Linear(randn(10, 7), randn(7)), randn(6, 10)),
                Arguments.of(new Linear(randn(10, 7), null), randn(3, 2, 10)),
                Arguments.of(new Linear(randn(48, 128), randn(128)), randn(32, 4, 48)),
                Arguments.of(batchNorm(7), randn(8, 7)),
                Arguments.of(batchNorm(7), randn(4, 3, 7)),
                Arguments.of(batchNorm(128), randn(32, 4, 128)),
                Arguments.of(batchNorm(128), randn(32, 128)),
                Arguments.of(new Tanh(), randn(3, 4, 5)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("layers")
    void backwardIsAutogradsVjp(Layer layer, Tensor x) {
        Layer.Plan plan = layer.plan(x.shape());
        Tensor out = plan.forward(x, true).copy();
        Tensor v = randn(out.shape());
        Tensor dx = plan.backward(v);
        TorchLayers.Vjp ref = TorchLayers.vjp(layer, x, v);

        List<Close.Diff> diffs = new ArrayList<>();
        diffs.add(Close.diff("out", out, ref.out()));
        if (layer instanceof Embedding) {
            assertThat(dx).isNull();
            assertThat(ref.dinput()).isNull();
        } else {
            diffs.add(Close.diff("dinput", dx, ref.dinput()));
        }
        assertThat(ref.dparams().keySet()).containsExactlyElementsOf(layer.params());
        for (Param p : layer.params()) {
            diffs.add(Close.diff("d" + p.name(), p.grad, ref.dparams().get(p)));
        }
        Close.report(layer.describe() + " on " + x.shapeString(), diffs, TorchLayersTest.VERBOSE);
    }

    /** The cross-entropy's VJP for an upstream dloss is dloss times our fused dlogits ((softmax - onehot) / n). */
    @org.junit.jupiter.api.Test
    void crossEntropyVjpIsDlossTimesTheFusedGradient() {
        Tensor logits = randn(6, 27);
        int[] y = {3, 0, 26, 3, 9, 14};
        ninja.nn.CrossEntropyLoss ce = new ninja.nn.CrossEntropyLoss(6, 27);
        ce.forwardBackward(logits, y);
        Tensor expected = ninja.tensor.Ops.mul(-1.7f, ce.dlogits());
        Close.report("cross_entropy", List.of(Close.diff("dlogits", expected, TorchLayers.crossEntropyVjp(logits, y, -1.7f))),
                TorchLayersTest.VERBOSE);
    }
}
