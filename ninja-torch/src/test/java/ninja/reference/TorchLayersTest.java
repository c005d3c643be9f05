package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.BatchNorm1d;
import ninja.nn.CrossEntropyLoss;
import ninja.nn.Layer;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our hand-written backward of a layer model against libtorch autograd of the same model ({@link TorchLayers}):
 * the loss, every layer's output, every layer output's gradient and every parameter's gradient.
 *
 * <p>Tolerances ({@link Close}): rtol 1e-5 with atol 1e-6 of the tensor's largest element for gradients; forward
 * outputs get atol 1e-5 of it, because the two forwards' roundings (batchnorm's variance, tanh) compound layer by
 * layer, and each batchnorm scales the differences up by 1/std (measured: up to 1.9e-6 on tanh outputs of size 1
 * in the third level, against at most 3e-7 in the first).
 */
class TorchLayersTest {
    static final boolean VERBOSE = System.getenv("NINJA_VERBOSE") != null;

    /** The notebook's WaveNet, and a small one whose batchnorms see 3-D [3, 2, 7] and 2-D [3, 7] input. */
    static WaveNetConfig config(String name) {
        return name.equals("notebook") ? WaveNetConfig.NOTEBOOK : new WaveNetConfig(5, 7, 4, 3, 7);
    }

    /** At step 0 (the notebook's first batch, gamma ones, beta zeros) and after 3 SGD steps. */
    @ParameterizedTest
    @CsvSource({"notebook, 0", "notebook, 3", "small, 0", "small, 3"})
    void handWrittenBackwardMatchesAutograd(String name, int warmup) {
        WaveNetConfig cfg = config(name);
        Splits s = TestSplits.of(cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential model = WaveNet.build(cfg, s.vocab().size(), g);
        SequentialStep step = new SequentialStep(model, cfg.batchSize(), cfg.blockSize());
        for (int i = 0; i < warmup; i++) {
            step.step(Batch.draw(s.train(), cfg.batchSize(), g), 0.1f);
        }
        Batch b = Batch.draw(s.train(), cfg.batchSize(), g);
        float loss = step.forwardBackward(b);
        List<Tensor> grads = new ArrayList<>();
        for (Param p : model.params()) {
            grads.add(p.grad.copy());
        }
        List<Tensor> dOuts = layerGradients(step, b);

        TorchLayers.Result ref = TorchLayers.lossAndGradients(model, b);
        List<Close.Diff> diffs = new ArrayList<>();
        assertThat((double) loss).isCloseTo(ref.loss(), org.assertj.core.data.Offset.offset(2e-6 * ref.loss()));
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            String l = i + " " + layers.get(i).describe();
            diffs.add(Close.diff("out " + l, step.plan().layer(i).out(), ref.outs().get(i), 1e-5));
            diffs.add(Close.diff("dout " + l, dOuts.get(i), ref.dOuts().get(i)));
        }
        List<Param> params = model.params();
        for (int k = 0; k < params.size(); k++) {
            diffs.add(Close.diff(params.get(k).name(), grads.get(k), ref.grads().get(params.get(k))));
        }
        Close.report(name + " step " + warmup + String.format(": loss mine %.9g torch %.9g", loss, ref.loss()), diffs, VERBOSE);
        assertThat(model.layers().stream().filter(x -> x instanceof BatchNorm1d)).hasSize(cfg.levels());
    }

    /** Eval mode (running statistics, after steps have moved them) layer by layer against libtorch's. */
    @ParameterizedTest
    @ValueSource(strings = {"notebook", "small"})
    void evalForwardMatchesLibtorch(String name) {
        WaveNetConfig cfg = config(name);
        Splits s = TestSplits.of(cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential model = WaveNet.build(cfg, s.vocab().size(), g);
        SequentialStep step = new SequentialStep(model, cfg.batchSize(), cfg.blockSize());
        for (int i = 0; i < 5; i++) {
            step.step(Batch.draw(s.train(), cfg.batchSize(), g), 0.1f);
        }
        assertThat(((BatchNorm1d) model.layers().get(3)).runningVar.value.data()[0]).isNotEqualTo(1f);
        Batch b = Batch.draw(s.val(), cfg.batchSize(), g);
        Tensor x = Tensor.zeros(b.n(), b.blockSize());
        for (int i = 0; i < x.numel(); i++) {
            x.data()[i] = b.xb()[i];
        }
        Sequential.SequentialPlan plan = model.plan(x.shape());
        plan.forward(x, false);
        List<Tensor> ref = TorchLayers.outputs(model, b, false);
        List<Close.Diff> diffs = new ArrayList<>();
        for (int i = 0; i < ref.size(); i++) {
            diffs.add(Close.diff("eval out " + i + " " + model.layers().get(i).describe(), plan.layer(i).out(),
                    ref.get(i), 1e-5));
        }
        Close.report(name + " eval", diffs, VERBOSE);
    }

    /**
     * dloss/d(layer i's output) from our plans: dlogits from the cross-entropy, then each layer's backward from
     * last to first returns the gradient of the output before it (re-running the step's backward of this batch).
     */
    static List<Tensor> layerGradients(SequentialStep step, Batch b) {
        Sequential.SequentialPlan plan = step.plan();
        int n = step.model().layers().size();
        Tensor logits = plan.out();
        CrossEntropyLoss ce = new CrossEntropyLoss(logits.dim(0), logits.dim(1));
        ce.forwardBackward(logits, b.yb());
        Tensor[] d = new Tensor[n];
        d[n - 1] = ce.dlogits().copy();
        for (int i = n - 1; i > 0; i--) {
            d[i - 1] = plan.layer(i).backward(d[i]).copy();
        }
        return List.of(d);
    }
}
