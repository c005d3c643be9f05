package ninja.exercise;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import ninja.check.Cmp;
import ninja.check.Noise;
import ninja.check.Verdict;
import ninja.nn.CrossEntropyLoss;
import ninja.nn.Layer;
import ninja.nn.Param;
import ninja.tensor.Tensor;

/**
 * Grades an Exercise 5 file: each layer's backward of {@link LayerCases} is called alone on the layer's forward
 * values and real upstream gradient, and each gradient it returns is a row, compared with the reference's
 * vector-Jacobian product ({@link LayerVjps}) by {@link Cmp} and {@link Verdict}, with Exercise 1's hints; a row
 * right there is graded again on {@link RandomUpstream#TRIALS} random upstream gradients (a backward that ignores
 * dout or dloss is right on the real one only). Each row's float32 noise is the library's own backward of the
 * layer rerun with its inputs moved by a couple of ulps ({@link Noise}).
 */
public final class LayerGrader {
    /** Exercise 5's number in the table's section header. */
    static final int EXERCISE = 5;

    /** The learner's methods, one per kind of layer. */
    public static final List<String> METHODS = java.util.Arrays.stream(LayerBackward.values()).map(k -> k.method).toList();

    private final LayerVjps reference;
    private final Duration timeout;
    private Consumer<Step> onStep = s -> { };

    LayerGrader(LayerVjps reference, Duration timeout) {
        this.reference = reference;
        this.timeout = timeout;
    }

    /** The reference by its --reference name, started. */
    public static LayerGrader of(String reference, Duration timeout) {
        return new LayerGrader(LayerVjps.load(reference), timeout);
    }

    /** Whether a compiled class is an Exercise 5 file (declares the layers' backward methods). */
    public static boolean isLayers(Class<?> learner) {
        return LayerBackward.declaredBy(learner);
    }

    /** Called with each row's step before the learner's code for it runs (the grading process notes it). */
    public LayerGrader onStep(Consumer<Step> listener) {
        this.onStep = listener;
        return this;
    }

    /** Every row of the cases, in the table's order: for each layer, its gradients (dbias only with a bias). */
    public static List<Step> rows(LayerCases.Cases cases) {
        List<Step> rows = new ArrayList<>();
        for (LayerCases.Case c : cases.cases()) {
            for (String g : LayerBackward.shapes(c.forward()).keySet()) {
                rows.add(new Step(c.name() + " " + g, c.kind().method, g, List.of("out"), EXERCISE));
            }
        }
        return rows;
    }

    public Grader.Report grade(Class<?> learner, LayerCases.Cases cases, Predicate<Step> only) {
        List<Grader.Row> out = new ArrayList<>();
        String stopped = null;
        List<Step> all = rows(cases);
        for (LayerCases.Case c : cases.cases()) {
            List<Step> rows = all.stream().filter(s -> s.row().startsWith(c.name() + " ") && only.test(s)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            if (stopped != null) {
                for (Step s : rows) {
                    out.add(new Grader.Row(s, Grader.Status.SKIPPED, "grading stopped: " + stopped));
                }
                continue;
            }
            Method method = c.kind().method(learner);
            onStep.accept(rows.get(0));
            Grader.Outcome o = Grader.call(learner, method, c.kind().args(c.forward(), c.dout()), timeout);
            if (o.timedOut()) {
                stopped = c.kind().method + " did not finish within " + Grader.seconds(timeout) + " (an infinite loop?)";
            }
            out.addAll(new CaseGrade(c, learner, method).rows(rows, o));
        }
        return new Grader.Report(reference.name(), out, stopped, cases.loss());
    }

    /** One layer's rows. */
    private final class CaseGrade {
        private final LayerCases.Case c;
        private final Class<?> learner;
        private final Method method;
        private final Map<String, Tensor> shapes;
        private final List<Tensor> upstreams = new ArrayList<>();           // the random trials', drawn on first use
        private final List<LayerVjps.Expected> expected = new ArrayList<>();
        private final List<Map<String, Double>> noise = new ArrayList<>();
        private final List<Grader.Outcome> mine = new ArrayList<>();

        CaseGrade(LayerCases.Case c, Class<?> learner, Method method) {
            this.c = c;
            this.learner = learner;
            this.method = method;
            this.shapes = LayerBackward.shapes(c.forward());
        }

        List<Grader.Row> rows(List<Step> rows, Grader.Outcome o) {
            List<Grader.Row> out = new ArrayList<>();
            if (o.timedOut() || o.error() != null) {
                String why = o.timedOut() ? "still running after " + Grader.seconds(timeout)
                        + ": an infinite loop? grading stopped here (--timeout to allow more)"
                        : "computing " + c.name() + ": " + Grader.describe(o.error(), learner);
                rows.forEach(s -> out.add(new Grader.Row(s, Grader.Status.WRONG, why)));
                return out;
            }
            Map<String, Tensor> got = c.kind().unpack(o.value());
            LayerVjps.Expected real = null;
            Map<String, Double> realNoise = null;
            for (Step s : rows) {
                String g = s.grad();
                Tensor m = got.get(g);
                if (m == null) {
                    out.add(new Grader.Row(s, Grader.Status.NOT_WRITTEN, "return " + g + ", shaped as "
                            + shapes.get(g).shapeString() + ", from " + c.kind().method + " (" + c.describe() + ")"));
                    continue;
                }
                if (real == null) { // the reference runs for a layer with something to compare only
                    real = reference.vjp(c.forward(), c.dout());
                    realNoise = noise(c.dout());
                }
                Tensor ref = real.grads().get(g);
                int[] idx = real.sampled().get(g);
                Cmp.Row cmp = Grader.compared(s.row(), m, ref, idx);
                double eps = realNoise.getOrDefault(g, 0.0);
                Verdict v = cmp.problem() != null ? Verdict.NOT_COMPARED
                        : Verdict.of(Grader.picked(m, idx), Grader.picked(ref, idx), eps);
                if (!v.pass()) {
                    String hint = !m.sameShape(ref) ? Hints.shape(m, ref)
                            : Hints.values(m, ref, rowsOf(c), g.equals("dweight") && c.forward().layer() instanceof
                                    ninja.nn.Embedding ? rowUses() : null, eps);
                    out.add(new Grader.Row(s, Grader.Status.WRONG, cmp, v, hint));
                    continue;
                }
                String hereOnly = hereOnly(g, m);
                out.add(new Grader.Row(s, hereOnly == null ? Grader.Status.DONE : Grader.Status.RIGHT_HERE_ONLY, cmp, v,
                        hereOnly));
            }
            return out;
        }

        /** Null when gradient g is right on every random upstream too, else why not. */
        private String hereOnly(String g, Tensor mineReal) {
            for (int t = 0; t < RandomUpstream.TRIALS; t++) {
                draw(t);
                Grader.Outcome o = mine.get(t);
                Tensor m = o.value() == null ? null : c.kind().unpack(o.value()).get(g);
                if (o.timedOut() || o.error() != null || m == null) {
                    return "right on the real upstream gradient, but on a random one it " + (o.timedOut()
                            ? "did not finish" : o.error() != null ? "threw " + o.error() : "returned no " + g);
                }
                Tensor ref = expected.get(t).grads().get(g);
                int[] idx = expected.get(t).sampled().get(g);
                double eps = noise.get(t).getOrDefault(g, 0.0);
                Verdict v = m.sameShape(ref) ? Verdict.of(Grader.picked(m, idx), Grader.picked(ref, idx), eps) : null;
                if (v == null || !v.pass()) {
                    String why = "right on the real upstream gradient only, wrong on a random one (rel. error "
                            + (v == null ? "-" : v.rel()) + "): ";
                    if (m.sameShape(mineReal) && java.util.Arrays.equals(m.data(), mineReal.data())) {
                        return why + "it does not change with " + (c.kind() == LayerBackward.CROSS_ENTROPY ? "dloss"
                                : "dout") + ": multiply by the upstream gradient (the chain rule), do not assume it";
                    }
                    return why + (v == null ? Hints.shape(m, ref) : Hints.values(m, ref, rowsOf(c), null, eps));
                }
            }
            return null;
        }

        /** Trial t's random upstream, the reference's VJP for it, its noise and the learner's answer (once each). */
        private void draw(int t) {
            while (upstreams.size() <= t) {
                int k = upstreams.size();
                Tensor u = randomUpstream(c.dout(), new SplittableRandom(0xb4c5 + 31L * k + c.index()));
                upstreams.add(u);
                expected.add(reference.vjp(c.forward(), u));
                noise.add(noise(u));
                mine.add(Grader.call(learner, method, c.kind().args(c.forward(), u), timeout));
            }
        }

        /** Per gradient, the largest change of the library's backward over {@link Noise#RUNS} perturbed reruns. */
        private Map<String, Double> noise(Tensor dout) {
            Map<String, Tensor> base = builtin(c.forward(), dout, null);
            Map<String, Double> noise = new HashMap<>();
            SplittableRandom r = new SplittableRandom(0x401);
            for (int run = 0; run < Noise.RUNS; run++) {
                Map<String, Tensor> moved = builtin(c.forward(), dout, r);
                base.forEach((g, t) -> {
                    double d = 0;
                    for (int i = 0; i < t.numel(); i++) {
                        d = Math.max(d, Math.abs(t.data()[i] - moved.get(g).data()[i]));
                    }
                    noise.merge(g, d, Math::max);
                });
            }
            return noise;
        }

        /** For dweight of an Embedding: how many times each row of the table was looked up. */
        private int[] rowUses() {
            int[] uses = new int[c.forward().layer().params().get(0).value.dim(0)];
            for (int ix : LayerBackward.indices(c.forward().x())) {
                uses[ix]++;
            }
            return uses;
        }
    }

    /** n for the factor hints: the rows a layer sums or averages over (B, or B*T). */
    private static int rowsOf(LayerCases.Case c) {
        Tensor x = c.forward().x();
        return c.kind() == LayerBackward.EMBEDDING ? x.numel() : x.numel() / x.dim(-1);
    }

    /**
     * The library's own backward of the case's layer for dout (its plan on a copy of the input), by gradient
     * name; with {@code r}, every input, parameter and dout moved by up to two float32 ulps first (restored after).
     */
    static Map<String, Tensor> builtin(LayerBackward.Forward f, Tensor dout, SplittableRandom r) {
        Tensor x = r == null || f.kind() == LayerBackward.EMBEDDING ? f.x().copy() : Noise.perturb(f.x(), r);
        Tensor d = r == null ? dout : Noise.perturb(dout, r);
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (f.layer() == null) {
            CrossEntropyLoss ce = new CrossEntropyLoss(x.dim(0), x.dim(1));
            ce.forwardBackward(x, f.y());
            out.put("dlogits", ninja.tensor.Ops.mul(d.item(), ce.dlogits()));
            return out;
        }
        Layer layer = f.layer();
        Map<Param, float[]> saved = new HashMap<>();
        for (Param p : layer.params()) {
            saved.put(p, p.value.data().clone());
            if (r != null) {
                System.arraycopy(Noise.perturb(p.value, r).data(), 0, p.value.data(), 0, p.numel());
            }
        }
        try {
            Layer.Plan plan = layer.plan(x.shape());
            plan.forward(x, true);
            Tensor dx = plan.backward(d);
            if (dx != null) {
                out.put("dx", dx.copy());
            }
            for (Param p : layer.params()) {
                out.put(LayerBackward.gradName(p), p.grad.copy());
            }
            return out;
        } finally {
            saved.forEach((p, v) -> System.arraycopy(v, 0, p.value.data(), 0, v.length));
        }
    }

    /** A Gaussian upstream shaped as the real one, at its RMS (a random dloss around 1 for the cross-entropy). */
    static Tensor randomUpstream(Tensor real, SplittableRandom r) {
        if (real.numel() == 1) {
            return Tensor.scalar((float) ((0.5 + r.nextDouble()) * (r.nextBoolean() ? 1 : -1)));
        }
        double s = 0;
        for (float v : real.data()) {
            s += (double) v * v;
        }
        double rms = Math.sqrt(s / real.numel());
        float[] d = new float[real.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((rms > 0 ? rms : 1e-2) * r.nextGaussian());
        }
        return Tensor.of(d, real.shape());
    }
}
