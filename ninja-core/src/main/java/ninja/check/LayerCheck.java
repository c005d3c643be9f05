package ninja.check;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ninja.data.Batch;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.tensor.Tensor;

/**
 * The lecture's cmp table for a layer model: our hand-written backward against a reference, one row per layer
 * output (d loss / d layers[i].out) and per parameter, from the loss back to the embedding. Where the reference
 * knows some elements only (finite differences on a large tensor), the row compares those. The verdict is
 * {@link Verdict}'s, with each row's float32 noise measured as {@link Noise} does: our backward rerun with every
 * parameter moved by up to two ulps.
 */
public final class LayerCheck {
    private LayerCheck() {
    }

    public record Report(String reference, double loss, double referenceLoss, List<GradientCheck.Row> rows) {
        public boolean ok() {
            return rows.stream().allMatch(GradientCheck.Row::ok);
        }

        public List<String> failed() {
            return rows.stream().filter(r -> !r.ok()).map(GradientCheck.Row::name).toList();
        }

        public double maxdiff() {
            return rows.stream().mapToDouble(r -> r.cmp().maxdiff()).max().orElse(0);
        }
    }

    /** Our gradients in row order: each layer's output (last first), then that layer's parameters. */
    private record Ours(float loss, List<String> names, List<Tensor> grads, List<Object> keys) {
    }

    private static Ours ours(Sequential model, Batch b) {
        SequentialStep step = new SequentialStep(model, b.n(), b.blockSize());
        float loss = step.forwardBackward(b);
        List<String> names = new ArrayList<>();
        List<Tensor> grads = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        for (int i = model.layers().size() - 1; i >= 0; i--) {
            Tensor d = step.plan().grad(i);
            names.add("layers." + i + ".out");
            grads.add(d == null ? null : d.copy());
            keys.add(i);
            for (Param p : model.layers().get(i).params()) {
                names.add(p.name());
                grads.add(p.grad.copy());
                keys.add(p);
            }
        }
        return new Ours(loss, names, grads, keys);
    }

    /** Runs our forward and backward on b, then compares every gradient with the reference's. */
    public static Report run(Sequential model, Batch b, LayerReference reference) {
        Ours base = ours(model, b);
        double[] noise = noise(model, b, base);
        LayerGradients ref = reference.compute(model, b);
        List<GradientCheck.Row> rows = new ArrayList<>();
        for (int k = 0; k < base.names().size(); k++) {
            Object key = base.keys().get(k);
            Tensor r = key instanceof Integer i ? ref.outputs().get(i) : ref.params().get((Param) key);
            if (r == null && key instanceof Integer) {
                continue; // a reference without this layer's output gradient
            }
            rows.add(row(base.names().get(k), base.grads().get(k), r, ref.sampled().get(key), noise[k],
                    reference.name()));
        }
        return new Report(reference.name(), base.loss(), ref.loss(), rows);
    }

    /** Per row, the largest change of our gradient over {@link Noise#RUNS} reruns with the parameters perturbed. */
    private static double[] noise(Sequential model, Batch b, Ours base) {
        double[] noise = new double[base.names().size()];
        List<Param> ps = model.params();
        Map<Param, float[]> saved = new IdentityHashMap<>();
        ps.forEach(p -> saved.put(p, p.value.data().clone()));
        SplittableRandom rnd = new SplittableRandom(0x401);
        try {
            for (int run = 0; run < Noise.RUNS; run++) {
                for (Param p : ps) {
                    Tensor moved = Noise.perturb(Tensor.of(saved.get(p).clone(), p.value.shape()), rnd);
                    System.arraycopy(moved.data(), 0, p.value.data(), 0, p.numel());
                }
                Ours o = ours(model, b);
                for (int k = 0; k < noise.length; k++) {
                    Tensor a = base.grads().get(k), c = o.grads().get(k);
                    for (int i = 0; a != null && i < a.numel(); i++) {
                        noise[k] = Math.max(noise[k], Math.abs(a.data()[i] - c.data()[i]));
                    }
                }
            }
        } finally {
            ps.forEach(p -> System.arraycopy(saved.get(p), 0, p.value.data(), 0, p.numel()));
        }
        return noise;
    }

    static GradientCheck.Row row(String name, Tensor mine, Tensor reference, int[] sampled, double noise,
            String refName) {
        if (reference == null || mine == null || !mine.sameShape(reference)) {
            int n = reference == null ? 0 : reference.numel();
            return new GradientCheck.Row(Cmp.cmp(name, mine, reference), Verdict.NOT_COMPARED, refName, n, n);
        }
        float[] a = mine.data(), r = reference.data();
        if (sampled != null) {
            a = new float[sampled.length];
            r = new float[sampled.length];
            for (int k = 0; k < sampled.length; k++) {
                a[k] = mine.data()[sampled[k]];
                r[k] = reference.data()[sampled[k]];
            }
        }
        return new GradientCheck.Row(Cmp.compare(name, a, r), Verdict.of(a, r, noise), refName, a.length,
                reference.numel());
    }
}
