package ninja.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import ninja.data.Batch;
import ninja.nn.Embedding;
import ninja.nn.Layer;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.tensor.Tensor;

/**
 * A {@link Sequential} of {@link ninja.nn} layers interpreted in libtorch ops (makemore part 5's classes, see
 * {@link LayerOps}), differentiated by libtorch autograd: the reference our hand-written backward is checked against.
 *
 * <p>DJL has no {@code retain_grad()}. Here each layer's output gets a zero leaf added ({@code out + z}, which
 * changes no value and passes the gradient through unchanged), so one backward pass yields dloss/dout of every
 * layer as the gradient of its zero leaf.
 */
public final class TorchLayers {
    private TorchLayers() {
    }

    /**
     * A training-mode forward and backward of one batch.
     *
     * @param loss  F.cross_entropy(model(Xb), Yb)
     * @param outs  layer i's output ({@code model.layers[i].out})
     * @param dOuts dloss/d(layer i's output), by autograd
     * @param grads dloss/dparam for every parameter, by autograd, in the model's parameter order
     */
    public record Result(float loss, List<Tensor> outs, List<Tensor> dOuts, Map<Param, Tensor> grads) {
    }

    /**
     * One layer's vector-Jacobian product for an upstream gradient v of its output: the autograd gradients of
     * {@code sum(out * v)}.
     *
     * @param out     the layer's output for the input
     * @param dinput  d/dinput, or null for an Embedding (its indices have no gradient)
     * @param dparams d/dparam for each of the layer's parameters
     */
    public record Vjp(Tensor out, Tensor dinput, Map<Param, Tensor> dparams) {
    }

    /** The loss, every layer's output and, by autograd, every layer output's and parameter's gradient. */
    public static Result lossAndGradients(Sequential model, Batch b) {
        synchronized (TorchReference.class) { // one GradientCollector may be open per JVM
            try (NDManager m = Torch.newManager();
                    GradientCollector gc = Torch.engine().newGradientCollector()) {
                LayerOps ops = new LayerOps(m);
                Map<Param, NDArray> leaves = leaves(m, model.params(), true);
                Function<Param, NDArray> p = param(m, leaves);
                List<NDArray> outs = new ArrayList<>();
                List<NDArray> probes = new ArrayList<>();
                NDArray x = Torch.indices(m, b.xb(), b.n(), b.blockSize());
                for (Layer l : model.layers()) {
                    NDArray out = ops.forward(l, x, p, true, null);
                    NDArray probe = m.zeros(out.getShape(), DataType.FLOAT32);
                    probe.setRequiresGradient(true);
                    outs.add(out);
                    probes.add(probe);
                    x = out.add(probe);                                     // the same values, a leaf to read dout
                }
                NDArray loss = ops.crossEntropy(x, rows(m, b.n()), Torch.indices(m, b.yb(), b.n()));
                gc.backward(loss);
                List<Tensor> outTensors = new ArrayList<>();
                List<Tensor> dOuts = new ArrayList<>();
                for (int i = 0; i < outs.size(); i++) {
                    outTensors.add(Torch.toTensor(outs.get(i)));
                    dOuts.add(Torch.toTensor(probes.get(i).getGradient()));
                }
                return new Result(loss.getFloat(), outTensors, dOuts, gradients(leaves));
            }
        }
    }

    /** Every layer's output for the batch's contexts, in training (batch statistics) or eval mode. */
    public static List<Tensor> outputs(Sequential model, Batch b, boolean training) {
        try (NDManager m = Torch.newManager()) {
            LayerOps ops = new LayerOps(m);
            Function<Param, NDArray> p = param(m, new IdentityHashMap<>());
            List<Tensor> outs = new ArrayList<>();
            NDArray x = Torch.indices(m, b.xb(), b.n(), b.blockSize());
            for (Layer l : model.layers()) {
                x = ops.forward(l, x, p, training, null);
                outs.add(Torch.toTensor(x));
            }
            return outs;
        }
    }

    /**
     * Autograd's gradients of {@code sum(layer(input) * upstream)} with respect to the input and the layer's
     * parameters, in training mode: what the layer's {@link Layer.Plan#backward} must return for dout = upstream.
     * An Embedding's input holds the indices as floats, as our plans take them.
     */
    public static Vjp vjp(Layer layer, Tensor input, Tensor upstream) {
        synchronized (TorchReference.class) {
            try (NDManager m = Torch.newManager();
                    GradientCollector gc = Torch.engine().newGradientCollector()) {
                LayerOps ops = new LayerOps(m);
                Map<Param, NDArray> leaves = leaves(m, layer.params(), true);
                boolean indices = layer instanceof Embedding;
                NDArray x = indices ? Torch.toNd(m, input).toType(DataType.INT64, false) : Torch.toNd(m, input);
                if (!indices) {
                    x.setRequiresGradient(true);
                }
                NDArray out = ops.forward(layer, x, param(m, leaves), true, null);
                Tensor outTensor = Torch.toTensor(out);
                if (!outTensor.sameShape(upstream)) {
                    throw new IllegalArgumentException(layer.describe() + ": upstream " + upstream.shapeString()
                            + " for an output of " + outTensor.shapeString());
                }
                gc.backward(out.mul(Torch.toNd(m, upstream)).sum());
                Tensor dinput = indices ? null : Torch.toTensor(x.getGradient());
                return new Vjp(outTensor, dinput, gradients(leaves));
            }
        }
    }

    /**
     * Autograd's gradient of {@code dloss * F.cross_entropy(logits, y)} with respect to the {@code [n, V]} logits:
     * the cross-entropy's vector-Jacobian product for an upstream gradient dloss of the (scalar) loss.
     */
    public static Tensor crossEntropyVjp(Tensor logits, int[] y, float dloss) {
        synchronized (TorchReference.class) {
            try (NDManager m = Torch.newManager();
                    GradientCollector gc = Torch.engine().newGradientCollector()) {
                NDArray x = Torch.toNd(m, logits);
                x.setRequiresGradient(true);
                int n = logits.dim(0);
                NDArray loss = new LayerOps(m).crossEntropy(x, rows(m, n), Torch.indices(m, y, n));
                gc.backward(loss.mul(dloss));
                return Torch.toTensor(x.getGradient());
            }
        }
    }

    /** Each parameter's value as an NDArray in m, a leaf of autograd when {@code requiresGrad}. */
    private static Map<Param, NDArray> leaves(NDManager m, List<Param> params, boolean requiresGrad) {
        Map<Param, NDArray> leaves = new LinkedHashMap<>();
        for (Param q : params) {
            NDArray a = Torch.toNd(m, q.value);
            a.setRequiresGradient(requiresGrad);
            leaves.put(q, a);
        }
        return leaves;
    }

    /** Parameters from {@code leaves}; any other (a buffer such as running_mean) copied as a constant, once. */
    private static Function<Param, NDArray> param(NDManager m, Map<Param, NDArray> leaves) {
        Map<Param, NDArray> known = new IdentityHashMap<>(leaves);
        return q -> known.computeIfAbsent(q, k -> Torch.toNd(m, k.value));
    }

    private static Map<Param, Tensor> gradients(Map<Param, NDArray> leaves) {
        Map<Param, Tensor> grads = new LinkedHashMap<>();
        leaves.forEach((q, a) -> grads.put(q, Torch.toTensor(a.getGradient())));
        return Collections.unmodifiableMap(grads);
    }

    static NDArray rows(NDManager m, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return Torch.indices(m, r, n);
    }
}
