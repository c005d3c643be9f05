package ninja.check;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import ninja.nn.Embedding;
import ninja.nn.Layer;
import ninja.nn.Param;
import ninja.tensor.Tensor;

/**
 * One layer's vector-Jacobian product by float64 finite differences of its own forward ({@link Layer#forward64},
 * training mode): the gradients of {@code sum(layer(x) * v)} with respect to x and each parameter, with
 * {@link LayerFiniteDifferences}'s fourth-order stencil. A tensor of more than {@code samples} elements is
 * differenced at a deterministic sample of them (the others are NaN, so they never pass silently).
 */
public final class LayerFdVjp {
    /**
     * @param dinput d/dx, or null for an Embedding (its indices have no gradient)
     * @param dparams d/dp for each of the layer's parameters
     * @param sampled the sorted flat indices differenced, for a sampled gradient; keyed by the parameter, or by
     *     the layer itself for dinput; absent: complete
     */
    public record Result(Tensor dinput, Map<Param, Tensor> dparams, Map<Object, int[]> sampled) {
    }

    private LayerFdVjp() {
    }

    public static Result vjp(Layer layer, Tensor x, Tensor v, int samples) {
        int[] in = x.shape();
        double[] x64 = doubles(x), v64 = doubles(v);
        Map<Param, double[]> values = new IdentityHashMap<>();
        layer.params().forEach(p -> values.put(p, doubles(p.value)));
        DoubleSupplier f = () -> {
            double[] out = layer.forward64(x64, in, values::get);
            double s = 0;
            for (int i = 0; i < out.length; i++) {
                s += out[i] * v64[i];
            }
            return s;
        };
        SplittableRandom rnd = new SplittableRandom(0xfd5);
        LayerFiniteDifferences sampler = new LayerFiniteDifferences(samples);
        Map<Object, int[]> sampled = new IdentityHashMap<>();
        Tensor dinput = null;
        if (!(layer instanceof Embedding)) {
            int[] idx = sampler.pick(x64.length, rnd, null);
            dinput = LayerFiniteDifferences.gradient(x64, in, idx, f);
            if (idx != null) {
                sampled.put(layer, idx);
            }
        }
        Map<Param, Tensor> dparams = new LinkedHashMap<>();
        for (Param p : layer.params()) {
            int[] idx = sampler.pick(p.numel(), rnd, null);
            dparams.put(p, LayerFiniteDifferences.gradient(values.get(p), p.value.shape(), idx, f));
            if (idx != null) {
                sampled.put(p, idx);
            }
        }
        return new Result(dinput, dparams, sampled);
    }

    /** d (dloss * F.cross_entropy(logits, y)) / d logits, every element. */
    public static Tensor crossEntropy(Tensor logits, int[] y, float dloss) {
        double[] x = doubles(logits);
        return LayerFiniteDifferences.gradient(x, logits.shape(), null,
                () -> dloss * LayerFiniteDifferences.crossEntropy(x, y));
    }

    private static double[] doubles(Tensor t) {
        double[] d = new double[t.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.data()[i];
        }
        return d;
    }
}
