package ninja.check;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.BiFunction;
import ninja.data.Batch;
import ninja.lecture.Name;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * The gradient reference that needs nothing but the forward pass: central finite differences
 * {@code dL/dx ~ (L(x + h) - L(x - h)) / 2h} (fourth-order stencil, see {@link #step}) in float64 ({@link DoubleForward}) on the same float32 parameter
 * values, for every one of the 26 tensors of Exercise 1, intermediates included.
 *
 * <p>A large tensor is checked at a deterministic sample of its elements ({@code samplesPerTensor}), chosen to
 * include the elements where mistakes show: the picked entries {@code (i, Yb[i])} and the row maxima of the
 * [n, vocab] tensors, and the rows of C that several positions of the batch look up (a missing scatter-add
 * shows only there). The result names the sampled elements; the others are NaN so they can never pass silently.
 */
public final class FiniteDifferences implements Reference, LocalVjp {
    public static final int DEFAULT_SAMPLES = 64;

    private final int samplesPerTensor;
    private final boolean completeIntermediates;

    /** Sampled ({@value #DEFAULT_SAMPLES} elements per tensor). */
    public FiniteDifferences() {
        this(DEFAULT_SAMPLES, false);
    }

    /**
     * @param samplesPerTensor at most this many elements per tensor ({@code Integer.MAX_VALUE}: every element)
     * @param completeIntermediates every element of every intermediate, parameters sampled: what local mode needs,
     *     since each backward step is then fed these gradients as its upstream gradient
     */
    public FiniteDifferences(int samplesPerTensor, boolean completeIntermediates) {
        if (samplesPerTensor < 1) {
            throw new IllegalArgumentException("samples per tensor must be at least 1, got " + samplesPerTensor);
        }
        this.samplesPerTensor = samplesPerTensor;
        this.completeIntermediates = completeIntermediates;
    }

    /** Every element of every tensor (small configurations). */
    public static FiniteDifferences everyElement() {
        return new FiniteDifferences(Integer.MAX_VALUE, true);
    }

    @Override
    public String name() {
        return "fd";
    }

    /**
     * The step for an element of value x: h = 1e-4 * max(|x|, 1e-2), used in the fourth-order central stencil
     * {@code f'(x) ~ (8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h}. Its error is truncation ~ h^4 f^(5) / 30
     * plus round-off ~ eps * |L| / h. A step relative to |x| suits tensors where the loss curves on the scale of
     * x itself (log(probs), 1/counts_sum, (bnvar + eps)^-1/2); the floor keeps h >= 1e-6 so the round-off, with
     * |L| ~ 3 and a float64 forward good to ~1e-15, stays below ~1e-9. The fourth order is there for the cases
     * where the loss curves on a much smaller scale than x: with two equal rows in a batch of two, bnvar is 0
     * and the loss bends on the scale sqrt(1e-5) ~ 3e-3 of bndiff while bnmeani is ~0.7. The plain central
     * difference (h^2 truncation) was off by 1e-3 relative there; the fourth-order stencil is good to ~1e-7.
     * Both errors stay well under Cmp's atol 1e-8 + rtol 1e-5 * |grad| in the configurations tested.
     */
    static double step(double x) {
        return 1e-4 * Math.max(Math.abs(x), 1e-2);
    }

    /**
     * With complete intermediates, every gradient is back-propagated through finite-difference VJPs of the single
     * steps ({@link FdVjp}), in float64 from dloss = 1: dx = sum over consumers y of FD-VJP(y, dy). Differencing
     * the whole loss for each of the ~20000 intermediate elements took minutes at the notebook's size; this takes
     * about a second, and each number still comes from the forward pass alone. Otherwise each sampled element is
     * differenced through the whole loss.
     */
    @Override
    public Result compute(Parameters p, Batch b) {
        DoubleForward f = new DoubleForward(p, b);
        if (!completeIntermediates) {
            return result(f, p, b, Name.EXERCISE1, (name, idx) -> {
                double[] x = f.array(name);
                double[] g = new double[x.length];
                for (int c = 0, count = idx == null ? x.length : idx.length; c < count; c++) {
                    int k = idx == null ? c : idx[c];
                    g[k] = derivative(f, name, x, k);
                }
                return g;
            });
        }
        Map<Name, double[]> chain = new EnumMap<>(Name.class);
        chain.put(Name.loss, new double[] {1});
        return result(f, p, b, Name.EXERCISE1, (name, idx) -> {
            double[] g = FdVjp.of(f, name, chain, idx);
            chain.put(name, g);
            return g;
        });
    }

    /** Each local backward step alone on the given upstream gradients, by finite-difference VJPs ({@link FdVjp}). */
    @Override
    public Result localVjps(Parameters p, Batch b, Map<String, Tensor> upstream, List<String> tensors) {
        DoubleForward f = new DoubleForward(p, b);
        Map<Name, double[]> u = new EnumMap<>(Name.class);
        upstream.forEach((k, t) -> {
            double[] d = new double[t.numel()];
            for (int i = 0; i < d.length; i++) {
                d[i] = t.data()[i];
            }
            u.put(Name.of(k), d);
        });
        u.putIfAbsent(Name.loss, new double[] {1});
        return result(f, p, b, tensors.stream().map(Name::of).toList(), (name, idx) -> FdVjp.of(f, name, u, idx));
    }

    /** The gradients of {@code tensors}, each computed by {@code grad} at its sampled indices (null: every element). */
    private Result result(DoubleForward f, Parameters p, Batch b, List<Name> tensors,
            BiFunction<Name, int[], double[]> grad) {
        Map<String, Tensor> grads = new LinkedHashMap<>();
        Map<String, int[]> sampled = new LinkedHashMap<>();
        for (Name name : tensors) {
            int numel = f.array(name).length;
            boolean complete = numel <= samplesPerTensor || (completeIntermediates && !name.isParameter());
            int[] idx = complete ? null : sample(name, f, b);
            if (idx != null) {
                sampled.put(name.name(), idx);
            }
            double[] g = grad.apply(name, idx);
            float[] out = new float[numel];
            Arrays.fill(out, Float.NaN);
            for (int c = 0, count = idx == null ? numel : idx.length; c < count; c++) {
                int k = idx == null ? c : idx[c];
                out[k] = (float) g[k];
            }
            grads.put(name.name(), Tensor.of(out, f.shape(name)));
        }
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (Name name : Name.FORWARD) {
            values.put(name.name(), f.value(name));
        }
        return new Result(values, grads, f.loss(), Fingerprint.of(p, b), sampled);
    }

    private static double derivative(DoubleForward f, Name name, double[] x, int k) {
        double x0 = x[k];
        double h = step(x0);
        double near = loss(f, name, x, k, x0 + h) - loss(f, name, x, k, x0 - h);
        double far = loss(f, name, x, k, x0 + 2 * h) - loss(f, name, x, k, x0 - 2 * h);
        x[k] = x0;
        f.restore(name, k);
        return (8 * near - far) / (12 * h);
    }

    private static double loss(DoubleForward f, Name name, double[] x, int k, double value) {
        x[k] = value;
        return f.recompute(name, k);
    }

    /** Sorted flat indices: the telling elements first, then a fixed pseudo-random fill. */
    private int[] sample(Name name, DoubleForward f, Batch b) {
        int[] shape = f.shape(name);
        int numel = f.array(name).length;
        TreeSet<Integer> chosen = new TreeSet<>();
        int n = b.n();
        if (shape.length == 2 && shape[0] == n && shape[1] == f.shape(Name.logits)[1]) {
            int v = shape[1];
            int[] argmax = f.argmax();
            for (int i = 0; i < n && chosen.size() < samplesPerTensor / 2; i++) {
                chosen.add(i * v + b.yb()[i]);
                chosen.add(i * v + argmax[i]);
            }
        }
        if (name == Name.C) {
            int e = shape[1];
            int[] uses = new int[shape[0]];
            for (int ix : b.xb()) {
                uses[ix]++;
            }
            Integer[] rows = new Integer[uses.length];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = r;
            }
            Arrays.sort(rows, (r, s) -> uses[s] != uses[r] ? uses[s] - uses[r] : r - s);
            for (int r : rows) {
                for (int c = 0; c < e && uses[r] >= 2 && chosen.size() < Math.max(1, samplesPerTensor / 2); c++) {
                    chosen.add(r * e + c);
                }
            }
        }
        SplittableRandom rnd = new SplittableRandom(name.name().hashCode()); // the name's String hash, as ever
        while (chosen.size() < samplesPerTensor) {
            chosen.add(rnd.nextInt(numel));
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }
}
