package ninja.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import ninja.data.Batch;
import ninja.nn.Layer;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.tensor.Tensor;

/**
 * Finite differences for a layer model, from the layers' own float64 forward ({@link Layer#forward64}): the
 * gradient of the cross-entropy loss with respect to every layer's output and every parameter, with the
 * fourth-order central stencil and the step of {@link FiniteDifferences#step}. A perturbation of layer i's output
 * or parameters reruns layers i.. only. Large tensors are checked at a deterministic sample of elements (the
 * others are NaN, so they never pass silently); the embedding's sample favours the rows the batch looks up.
 */
public final class LayerFiniteDifferences implements LayerReference {
    private final int samplesPerTensor;

    public LayerFiniteDifferences(int samplesPerTensor) {
        if (samplesPerTensor < 1) {
            throw new IllegalArgumentException("samples per tensor must be at least 1, got " + samplesPerTensor);
        }
        this.samplesPerTensor = samplesPerTensor;
    }

    @Override
    public String name() {
        return "fd";
    }

    @Override
    public LayerGradients compute(Sequential model, Batch b) {
        List<Layer> layers = model.layers();
        Map<Param, double[]> values = new IdentityHashMap<>();
        for (Param p : model.params()) {
            double[] v = new double[p.numel()];
            float[] f = p.value.data();
            for (int i = 0; i < v.length; i++) {
                v[i] = f[i];
            }
            values.put(p, v);
        }
        int[][] shapes = new int[layers.size() + 1][];
        shapes[0] = new int[] {b.n(), b.blockSize()};
        double[][] acts = new double[layers.size() + 1][];
        acts[0] = new double[b.xb().length];
        for (int i = 0; i < acts[0].length; i++) {
            acts[0][i] = b.xb()[i];
        }
        for (int i = 0; i < layers.size(); i++) {
            acts[i + 1] = layers.get(i).forward64(acts[i], shapes[i], values::get);
            shapes[i + 1] = layers.get(i).outShape(shapes[i]);
        }
        Runner run = new Runner(layers, shapes, acts, values, b.yb());
        double loss = run.lossFrom(layers.size(), acts[layers.size()]);

        SplittableRandom rnd = new SplittableRandom(0x5eed);
        Map<Object, int[]> sampled = new LinkedHashMap<>();
        List<Tensor> outputs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            double[] x = acts[i + 1].clone();
            int[] idx = pick(x.length, rnd, null);
            if (idx != null) {
                sampled.put(i, idx);
            }
            final int layer = i;
            outputs.add(gradient(x, shapes[i + 1], idx, () -> run.lossFrom(layer + 1, x)));
        }
        Map<Param, Tensor> params = new LinkedHashMap<>();
        for (int li = 0; li < layers.size(); li++) {
            for (Param p : layers.get(li).params()) {
                double[] v = values.get(p);
                int[] idx = pick(v.length, rnd, li == 0 ? usedRows(b, p) : null);
                if (idx != null) {
                    sampled.put(p, idx);
                }
                final int layer = li;
                params.put(p, gradient(v, p.value.shape(), idx, () -> run.lossFrom(layer, acts[layer])));
            }
        }
        return new LayerGradients(loss, outputs, params, sampled);
    }

    /** d loss / d x[k] for the sampled k (all when idx is null); x is perturbed in place and restored. */
    static Tensor gradient(double[] x, int[] shape, int[] idx, java.util.function.DoubleSupplier loss) {
        float[] g = new float[x.length];
        if (idx != null) {
            Arrays.fill(g, Float.NaN);
        }
        int count = idx == null ? x.length : idx.length;
        for (int c = 0; c < count; c++) {
            int k = idx == null ? c : idx[c];
            double x0 = x[k], h = FiniteDifferences.step(x0);
            x[k] = x0 + h;
            double p1 = loss.getAsDouble();
            x[k] = x0 - h;
            double m1 = loss.getAsDouble();
            x[k] = x0 + 2 * h;
            double p2 = loss.getAsDouble();
            x[k] = x0 - 2 * h;
            double m2 = loss.getAsDouble();
            x[k] = x0;
            g[k] = (float) ((8 * (p1 - m1) - (p2 - m2)) / (12 * h));
        }
        return Tensor.of(g, shape);
    }

    /** Up to samplesPerTensor sorted indices, or null for all; {@code prefer} (may be null) goes in first. */
    int[] pick(int n, SplittableRandom rnd, int[] prefer) {
        if (n <= samplesPerTensor) {
            return null;
        }
        TreeSet<Integer> s = new TreeSet<>();
        for (int i = 0; prefer != null && i < prefer.length && s.size() < samplesPerTensor / 2; i++) {
            s.add(prefer[i]);
        }
        while (s.size() < samplesPerTensor) {
            s.add(rnd.nextInt(n));
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Elements of the embedding table in rows the batch looks up (several times, for the scatter-add). */
    private static int[] usedRows(Batch b, Param table) {
        int dim = table.value.dim(1);
        int[] xb = b.xb();
        int[] out = new int[xb.length];
        for (int i = 0; i < xb.length; i++) {
            out[i] = xb[i] * dim + (i % dim);
        }
        return out;
    }

    /** Reruns the layers from a given one, and the loss. */
    private record Runner(List<Layer> layers, int[][] shapes, double[][] acts, Map<Param, double[]> values, int[] y) {
        /** The loss when layer {@code from}'s input is x (layers.size(): x is the logits). */
        double lossFrom(int from, double[] x) {
            double[] t = x;
            for (int i = from; i < layers.size(); i++) {
                t = layers.get(i).forward64(t, shapes[i], values::get);
            }
            return crossEntropy(t, y);
        }
    }

    /** mean_i (log sum_v exp(logits[i, v]) - logits[i, y[i]]) in float64. */
    static double crossEntropy(double[] logits, int[] y) {
        int n = y.length, v = logits.length / n;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logits[i * v + j]);
            }
            double s = 0;
            for (int j = 0; j < v; j++) {
                s += Math.exp(logits[i * v + j] - max);
            }
            sum += Math.log(s) + max - logits[i * v + y[i]];
        }
        return sum / n;
    }
}
