package ninja.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.data.Batch;
import ninja.nn.BatchNorm1d;
import ninja.nn.Layer;
import ninja.nn.Param;
import ninja.nn.Sequential;

/**
 * makemore part 5's training loop for a layer model (the WaveNet) in libtorch through DJL, as the notebook runs
 * it: {@code logits = model(Xb); loss = F.cross_entropy(logits, Yb); loss.backward(); p.data += -lr * p.grad},
 * then the batchnorms' running statistics. The libtorch baseline of {@code ./ninja bench --config wavenet}, and
 * the reference run that our {@link ninja.nn.SequentialStep} must track step by step.
 *
 * <p>Written to be fast as {@link TorchTrainer} is: every scalar constant an NDArray made once (also the
 * workaround for DJL's scalar-in-autograd bug), a sub-manager per step that frees the step's tensors, one thread.
 */
public final class TorchSequentialTrainer implements AutoCloseable {
    private final Sequential model;
    private final int n, block;
    private final NDManager root;
    private final LayerOps ops;
    private final Map<Param, NDArray> values = new LinkedHashMap<>();     // parameters, then buffers
    private final TorchTrainer.Mode mode;
    private final LayerBackwardOps backward;
    private final List<BatchNorm1d> batchNorms = new ArrayList<>();
    private final NDArray rows;

    /** A copy of the model's current parameters and running statistics, trained by autograd. */
    public TorchSequentialTrainer(Sequential model, int batchSize, int blockSize) {
        this(model, batchSize, blockSize, TorchTrainer.Mode.AUTOGRAD);
    }

    /**
     * A copy of the model's current parameters and running statistics, trained with batches of batchSize by
     * autograd ({@link TorchTrainer.Mode#AUTOGRAD}, the notebook's loop) or by the layers' hand-written backward
     * in torch ops ({@link TorchTrainer.Mode#MANUAL}).
     */
    public TorchSequentialTrainer(Sequential model, int batchSize, int blockSize, TorchTrainer.Mode mode) {
        this.model = model;
        this.mode = mode;
        this.n = batchSize;
        this.block = blockSize;
        root = Torch.newManager();
        ops = new LayerOps(root);
        backward = new LayerBackwardOps(ops);
        for (Param p : model.params()) {
            NDArray a = Torch.toNd(root, p.value);
            a.setRequiresGradient(mode == TorchTrainer.Mode.AUTOGRAD);
            values.put(p, a);
        }
        for (Param p : model.buffers()) {
            values.put(p, Torch.toNd(root, p.value));
        }
        collectBatchNorms(model, batchNorms);
        for (BatchNorm1d bn : batchNorms) {
            // the constants of the running update, made now so that they are lent to every step
            ops.scalar((float) (1.0 - bn.momentum()));
            ops.scalar(bn.momentum());
        }
        rows = TorchLayers.rows(root, n);
    }

    private static void collectBatchNorms(Layer l, List<BatchNorm1d> out) {
        if (l instanceof BatchNorm1d bn) {
            out.add(bn);
        } else if (l instanceof Sequential s) {
            s.layers().forEach(inner -> collectBatchNorms(inner, out));
        }
    }

    /** One step; returns the loss before the update. */
    public float step(Batch b, float learningRate) {
        if (b.n() != n || b.blockSize() != block) {
            throw new IllegalArgumentException("batch of " + b.n() + " x " + b.blockSize() + " for a trainer of "
                    + n + " x " + block);
        }
        try (NDManager m = root.newSubManager()) {
            // an op's result joins the manager of its first operand: lend every long-lived array to the step's
            // manager, so that what is computed from them is freed with it (they return to root on close)
            for (NDArray a : values.values()) {
                a.tempAttach(m);
            }
            ops.lend(m);
            rows.tempAttach(m);
            NDArray lr = ops.scalar(learningRate);                              // one array per rate, kept
            NDArray xb = Torch.indices(m, b.xb(), n, block);
            NDArray yb = Torch.indices(m, b.yb(), n);
            Map<BatchNorm1d, LayerOps.BatchStats> stats = new IdentityHashMap<>();
            float loss = mode == TorchTrainer.Mode.MANUAL ? manual(xb, yb, lr, stats)
                    : autograd(m, xb, yb, lr, stats);
            running(stats);
            return loss;
        }
    }

    private float autograd(NDManager m, NDArray xb, NDArray yb, NDArray lr,
            Map<BatchNorm1d, LayerOps.BatchStats> stats) {
        NDArray loss;
        synchronized (TorchReference.class) { // one GradientCollector may be open per JVM
            try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                NDArray x = xb;
                for (Layer l : model.layers()) {
                    x = ops.forward(l, x, values::get, true, stats);
                }
                loss = ops.crossEntropy(x, rows, yb);
                gc.backward(loss);
            }
        }
        // p.data: a detached view of the leaf's storage, so the in-place update is allowed even where another
        // computation in this JVM left libtorch's grad mode on (torch.no_grad() in the lecture)
        for (Param q : model.params()) {
            NDArray p = values.get(q);
            NDArray g = p.getGradient();
            g.attach(m);                                                         // free the wrapper with the step
            NDArray data = p.stopGradient();
            data.attach(m);
            data.subi(g.mul(lr));                                                // p.data += -lr * p.grad
            g.muli(ops.scalar(0f));                                              // p.grad = None: they accumulate
        }
        return loss.getFloat();
    }

    /** The same forward without autograd, then each layer's hand-written backward in torch ops, last to first. */
    private float manual(NDArray xb, NDArray yb, NDArray lr, Map<BatchNorm1d, LayerOps.BatchStats> stats) {
        List<Layer> layers = model.layers();
        NDArray[] in = new NDArray[layers.size()];
        NDArray[] out = new NDArray[layers.size()];
        NDArray x = xb;
        for (int i = 0; i < layers.size(); i++) {
            in[i] = x;
            out[i] = x = ops.forward(layers.get(i), x, values::get, true, stats);
        }
        NDArray loss = ops.crossEntropy(x, rows, yb);
        Map<Param, NDArray> grads = new IdentityHashMap<>();
        NDArray d = backward.crossEntropy(x, yb);
        for (int i = layers.size() - 1; i >= 0 && d != null; i--) {
            Layer l = layers.get(i);
            d = backward.backward(l, in[i], out[i], d, values::get,
                    l instanceof BatchNorm1d bn ? stats.get(bn) : null, grads);
        }
        for (Param q : model.params()) {
            values.get(q).subi(grads.get(q).mul(lr));                          // p.data += -lr * grad
        }
        return loss.getFloat();
    }

    /** {@code running = (1 - momentum) * running + momentum * batch}, under no_grad, for each batchnorm. */
    private void running(Map<BatchNorm1d, LayerOps.BatchStats> stats) {
        for (BatchNorm1d bn : batchNorms) {
            LayerOps.BatchStats s = stats.get(bn);
            NDArray keep = ops.scalar((float) (1.0 - bn.momentum())), take = ops.scalar(bn.momentum());
            Shape c = new Shape(bn.dim());
            values.get(bn.runningMean).muli(keep).addi(take.mul(s.xmean().stopGradient().reshape(c)));
            values.get(bn.runningVar).muli(keep).addi(take.mul(s.xvar().stopGradient().reshape(c)));
        }
    }

    /** Copies the trained parameters and running statistics into a model of the same architecture. */
    public void copyInto(Sequential target) {
        List<Param> src = new ArrayList<>(values.keySet());
        List<Param> dst = new ArrayList<>(target.params());
        dst.addAll(target.buffers());
        if (src.size() != dst.size()) {
            throw new IllegalArgumentException("a model of " + dst.size() + " tensors for " + src.size());
        }
        for (int k = 0; k < dst.size(); k++) {
            float[] v = values.get(src.get(k)).toFloatArray();
            float[] d = dst.get(k).value.data();
            if (v.length != d.length) {
                throw new IllegalArgumentException(dst.get(k) + " for a tensor of " + v.length + " values");
            }
            System.arraycopy(v, 0, d, 0, d.length);
        }
    }

    /**
     * Steps per second over {@code steps} steps after {@code warmup} untimed ones, cycling through the batches.
     * One short measurement: the machine's other load shows in it.
     */
    public double stepsPerSecond(Batch[] batches, float learningRate, int warmup, int steps) {
        for (int i = 0; i < warmup; i++) {
            step(batches[i % batches.length], learningRate);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step(batches[(warmup + i) % batches.length], learningRate);
        }
        return steps / ((System.nanoTime() - t0) / 1e9);
    }

    /** Arrays held by the trainer's manager (and its sub-managers): constant from step to step when nothing leaks. */
    int liveArrays() {
        return root.getManagedArrays().size();
    }

    @Override
    public void close() {
        root.close();
    }
}
