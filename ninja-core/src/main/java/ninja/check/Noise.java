package ninja.check;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import ninja.tensor.Tensor;

/**
 * The float32 rounding noise of a computation at given inputs, measured rather than guessed: rerun it with every
 * input moved by up to two ulps (each element independently), and see how far each output moves. A computation
 * that sums terms with cancellation (dlogit_maxes, batchnorm at a tiny batch) moves by eps32 times the terms
 * summed, which is what its rounding does too; a well-conditioned one moves by an ulp of its values.
 */
public final class Noise {
    /** Runs after the unperturbed one; the largest change over them is the noise. */
    public static final int RUNS = 2;
    /** Relative size of a perturbation: 2^-22, two float32 ulps at most. */
    static final double SIZE = Math.scalb(1.0, -22);

    private Noise() {
    }

    /** t with each element multiplied by (1 + SIZE * u), u uniform in [-1, 1). */
    public static Tensor perturb(Tensor t, SplittableRandom r) {
        float[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (d[i] * (1 + SIZE * (2 * r.nextDouble() - 1)));
        }
        return Tensor.of(d, t.shape());
    }

    /** Every tensor of m perturbed (null values kept null). */
    public static <K> Map<K, Tensor> perturb(Map<K, Tensor> m, SplittableRandom r) {
        Map<K, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v == null ? null : perturb(v, r)));
        return out;
    }

    /**
     * A read-only map whose {@code get} returns {@code source}'s tensor freshly perturbed: the upstream gradients a
     * backward pass reads ({@link ninja.lecture.Grads#local}), so each step sees its input moved as its upstream
     * step's own rounding would move it. Only {@code get} is supported.
     */
    public static Map<String, Tensor> upstream(Function<String, Tensor> source, SplittableRandom r) {
        return new AbstractMap<>() {
            @Override
            public Tensor get(Object key) {
                Tensor t = source.apply((String) key);
                return t == null ? null : perturb(t, r);
            }

            @Override
            public Set<Map.Entry<String, Tensor>> entrySet() {
                throw new UnsupportedOperationException("perturbed upstream gradients are read one by one");
            }
        };
    }

    /**
     * For each key of {@code base}: the largest |rerun - base| over {@link #RUNS} reruns, each given its own
     * deterministic random source to perturb its inputs with. A key a rerun does not give (or gives in
     * another shape) gets no noise: it is compared with the floor alone.
     */
    public static Map<String, Double> measure(Map<String, Tensor> base, Function<SplittableRandom, Map<String, Tensor>> rerun) {
        Map<String, Double> noise = new HashMap<>();
        for (int run = 0; run < RUNS; run++) {
            Map<String, Tensor> out = rerun.apply(new SplittableRandom(0x5eed + run));
            base.forEach((k, t) -> {
                Tensor o = out.get(k);
                if (t == null || o == null || !o.sameShape(t)) {
                    return;
                }
                double m = 0;
                for (int i = 0; i < t.numel(); i++) {
                    double d = Math.abs((double) o.data()[i] - t.data()[i]);
                    if (Double.isFinite(d)) {
                        m = Math.max(m, d);
                    }
                }
                noise.merge(k, m, Math::max);
            });
        }
        return noise;
    }
}
