package ninja.exercise;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import ninja.data.Batch;
import ninja.data.Names;
import ninja.data.Splits;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.BatchNorm1d;
import ninja.nn.Layer;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.tensor.Tensor;

/**
 * What Exercise 5 grades: one layer of each kind and shape of makemore part 5's WaveNet (batch 32, block 8), from
 * the loss back to the embedding, on the model's own values for its first batch: each layer's input, output and
 * upstream gradient from the library's forward and backward. The batchnorm gains and biases are moved away from 1
 * and 0 first (as training moves them), so that a backward that forgets gamma, or adds beta, cannot pass.
 */
public final class LayerCases {
    /**
     * One graded layer.
     *
     * @param name the row prefix, e.g. {@code linear_3d}
     * @param index the layer's position in the model ({@code layers[index]}), -1 for the cross-entropy
     * @param forward what its forward saw and kept
     * @param dout the real upstream gradient (a scalar 1 for the cross-entropy)
     */
    record Case(String name, int index, LayerBackward.Forward forward, Tensor dout) {
        LayerBackward kind() {
            return forward.kind();
        }

        /** "Linear(48, 128, bias=False) on [32, 4, 48]". */
        String describe() {
            return (forward.layer() == null ? "cross_entropy" : forward.layer().describe()) + " on "
                    + forward.x().shapeString();
        }
    }

    /** The cases and the loss of the batch. */
    public record Cases(List<Case> cases, float loss, int batch, int block) {
    }

    private LayerCases() {
    }

    /** The WaveNet's cases at its notebook configuration, for the names given. */
    public static Cases wavenet(Names names) {
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK;
        Splits s = Splits.of(names, cfg.blockSize());
        ninja.rng.TorchGenerator g = new ninja.rng.TorchGenerator(cfg.seed());
        Sequential model = WaveNet.build(cfg, s.vocab().size(), g);
        SplittableRandom r = new SplittableRandom(0xe5);
        for (Layer l : model.layers()) {
            if (l instanceof BatchNorm1d bn) {
                float[] gamma = bn.gamma.value.data(), beta = bn.beta.value.data();
                for (int j = 0; j < gamma.length; j++) {
                    gamma[j] = 1f + 0.3f * (float) r.nextGaussian();
                    beta[j] = 0.3f * (float) r.nextGaussian();
                }
            }
        }
        Batch b = Batch.draw(s.train(), cfg.batchSize(), g);
        SequentialStep step = new SequentialStep(model, cfg.batchSize(), cfg.blockSize());
        float loss = step.forwardBackward(b);
        Sequential.SequentialPlan plan = step.plan();
        int last = model.layers().size() - 1;
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("cross_entropy", -1, new LayerBackward.Forward(null, plan.out().copy(), null, null, null,
                b.yb().clone()), Tensor.scalar(1f)));
        // the last level's layers are 2-D ([32, 128]), the first level's 3-D ([32, 4, *]): one of each kind and shape
        String[] names2d = {"linear_bias", "tanh_2d", "batchnorm_2d", "linear_2d", "flatten_2d"};
        for (int k = 0; k < names2d.length; k++) {
            cases.add(of(names2d[k], last - k, model, plan, b));
        }
        String[] names3d = {"tanh_3d", "batchnorm_3d", "linear_3d", "flatten_3d", "embedding"};
        for (int k = 0; k < names3d.length; k++) {
            cases.add(of(names3d[k], 4 - k, model, plan, b));
        }
        return new Cases(List.copyOf(cases), loss, cfg.batchSize(), cfg.blockSize());
    }

    private static Case of(String name, int i, Sequential model, Sequential.SequentialPlan plan, Batch b) {
        Layer layer = model.layers().get(i);
        Tensor x = i == 0 ? contexts(b) : plan.layer(i - 1).out().copy();
        Tensor xhat = null, xvarInv = null;
        if (plan.layer(i) instanceof BatchNorm1d.Saved saved) {
            xhat = saved.xhat().copy();
            xvarInv = saved.xvarInv().copy();
        }
        LayerBackward.Forward f = new LayerBackward.Forward(layer, x, plan.layer(i).out().copy(), xhat, xvarInv, null);
        return new Case(name, i, f, plan.grad(i).copy());
    }

    /** The batch's contexts as the Embedding takes them: [B, block] indices as floats. */
    static Tensor contexts(Batch b) {
        float[] x = new float[b.xb().length];
        b.contextsInto(x);
        return Tensor.of(x, b.n(), b.blockSize());
    }
}
