package ninja.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import ninja.data.Batch;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.nn.CrossEntropyLoss;
import ninja.nn.NotebookBatchNorm;
import ninja.tensor.Tensor;

/**
 * Exercises 1 to 3, checked: the forward pass, the manual backward pass in both modes (every atomic step, then
 * the fused cross-entropy and batchnorm), and one row per gradient against a {@link Reference}, in the
 * lecture's order: the 26 rows of Exercise 1, then "logits (fused)" (Exercise 2) and "hprebn (fused)",
 * "bngain (fused)", "bnbias (fused)" (Exercise 3).
 *
 * <p>Chained mode runs the backward pass as the lecture does, each step fed the previous step's gradient.
 * Local mode feeds each step the reference's upstream gradient and the reference's forward values, so a wrong
 * step shows in its own row only, and elementwise steps agree with torch exactly.
 */
public final class GradientCheck {
    /** The gradients of Exercises 2 and 3 (dlogits, then batchnorm's): rows after the 26 atomic ones, {@link #fusedRow}. */
    public static final List<Name> FUSED = Stream.concat(Stream.of(CrossEntropyLoss.LECTURE_IN),
            NotebookBatchNorm.LECTURE_FUSED.stream()).toList();

    private GradientCheck() {
    }

    /** A reference that cannot be compared (other parameters or batch, or missing what local mode needs). */
    public static final class ReferenceMismatch extends RuntimeException {
        public ReferenceMismatch(String message) {
            super(message);
        }
    }

    /**
     * A table row: the lecture's columns ({@code cmp}), the float32-aware {@link Verdict} that decides it, and how
     * many elements were compared (fewer than all for a sampled reference gradient).
     */
    public record Row(Cmp.Row cmp, Verdict verdict, String reference, int compared, int elements) {
        public String name() {
            return cmp.name();
        }

        public boolean ok() {
            return cmp.problem() == null && verdict.pass();
        }

        /** ok, rounding (not allclose but within float32 noise) or WRONG. */
        public String label() {
            return cmp.problem() != null ? "WRONG" : verdict.label(cmp.approximate());
        }

        public String format() {
            return format(Cmp.NAME_WIDTH);
        }

        /** The row with the name in {@code width} columns, the verdict's columns aligned after it. */
        public String format(int width) {
            int w = Math.max(width, Cmp.NAME_WIDTH);
            String s = cmp.problem() != null ? cmp.format(w)
                    : String.format("%-" + (86 + w - Cmp.NAME_WIDTH) + "s | rel: %-7s | %s", cmp.format(w), verdict.rel(),
                            label());
            return compared < elements ? s + "  (" + compared + " of " + elements + " elements)" : s;
        }
    }

    /** The rows against one reference, our loss and the reference's, and our (atomic) dlogits for the plot. */
    public record Report(String reference, boolean local, List<Row> rows, List<Row> forward, double loss,
            double referenceLoss, Tensor dlogits) {
        public boolean ok() {
            return rows.stream().allMatch(Row::ok);
        }

        /** Our forward's largest difference from the reference's forward values (0 when it gave none). */
        public double forwardMaxdiff() {
            return forward.stream().mapToDouble(r -> r.cmp().maxdiff()).max().orElse(0);
        }

        public List<String> forwardFailed() {
            return forward.stream().filter(r -> !r.cmp().ok()).map(Row::name).toList();
        }

        public List<String> failed() {
            return rows.stream().filter(r -> !r.ok()).map(Row::name).toList();
        }

        public double maxdiff() {
            return rows.stream().mapToDouble(r -> r.cmp().maxdiff()).filter(d -> !Double.isNaN(d)).max().orElse(0);
        }
    }

    /** Runs the reference on (p, b) and compares. */
    public static Report run(Parameters p, Batch b, Reference reference, boolean local) {
        return compare(p, b, reference.compute(p, b), reference.name(), local);
    }

    /** Compares our backward pass on (p, b) with a reference result. */
    public static Report compare(Parameters p, Batch b, Reference.Result ref, String refName, boolean local) {
        return compare(p, b, ref, refName, local, g -> { });
    }

    /**
     * As {@link #compare(Parameters, Batch, Reference.Result, String, boolean)}, with {@code tamper} run on the
     * atomic gradients before they are compared: tests use it to plant a wrong backward step (in local mode
     * {@code g.up(name)} is the reference's upstream gradient, so a planted step is exactly what a wrong step
     * would have computed) and see that the reference catches it.
     */
    public static Report compare(Parameters p, Batch b, Reference.Result ref, String refName, boolean local,
            Consumer<Grads> tamper) {
        Fingerprint mine = Fingerprint.of(p, b);
        if (ref.fingerprint() == null) {
            throw new ReferenceMismatch("reference '" + refName + "' did not say which parameters and batch it used");
        }
        String why = mine.mismatch(ref.fingerprint());
        if (why != null) {
            throw new ReferenceMismatch("reference '" + refName + "': " + why + " than the ones checked");
        }
        Activations a = Mlp.forward(p, b);
        double loss = a.get(Name.loss).item();
        List<Row> forward = compareForward(a, ref, refName);
        if (!ref.values().isEmpty() || local) {
            // As in the lecture, the manual backward runs on the very forward tensors the reference differentiated:
            // the table then measures the backward pass alone. Our own forward is compared separately above.
            substituteValues(a, ref, refName);
        }
        if (local) {
            requireUpstream(a, ref, refName);
        }
        Map<String, Tensor> upstream = local ? ref.grads() : null;
        Map<String, Tensor> ours = backward(p, b, a, upstream, tamper, null);
        // the rounding noise of each row at these inputs: the same backward with every forward value and every
        // upstream gradient a step reads moved by an ulp or two, as float32 rounding moves them
        Map<String, Double> noise = Noise.measure(ours, r -> backward(p, b, perturbed(a, r), upstream, tamper, r));
        List<Row> rows = new ArrayList<>();
        for (Name name : Name.EXERCISE1) {
            rows.add(row(name.name(), ours.get(name.name()), ref, name, refName, noise.getOrDefault(name.name(), 0.0)));
        }
        for (Name f : FUSED) {
            rows.add(row(fusedRow(f), ours.get(fusedRow(f)), ref, f, refName, noise.getOrDefault(fusedRow(f), 0.0)));
        }
        return new Report(refName, local, List.copyOf(rows), List.copyOf(forward), loss, ref.loss(),
                ours.get(Name.logits.name()));
    }

    /** The row of a fused gradient: {@code "hprebn (fused)"}. */
    public static String fusedRow(Name grad) {
        return grad + " (fused)";
    }

    /**
     * The float32 rounding noise of each local backward step fed {@code upstream} (every intermediate's gradient)
     * on the forward values {@code a}, by row name (the 26 atomic names, then the fused rows' names): what a
     * grader allows a correct step on that upstream (see {@link Verdict}).
     */
    public static Map<String, Double> localNoise(Parameters p, Batch b, Activations a, Map<String, Tensor> upstream) {
        Map<String, Tensor> ours = backward(p, b, a, upstream, g -> { }, null);
        return Noise.measure(ours, r -> backward(p, b, perturbed(a, r), upstream, g -> { }, r));
    }

    /**
     * Both backward passes: the atomic gradients by name, then the fused rows by their row name. With a random
     * source, each step reads its upstream gradient perturbed (see {@link Noise#upstream}).
     */
    private static Map<String, Tensor> backward(Parameters p, Batch b, Activations a, Map<String, Tensor> upstream,
            Consumer<Grads> tamper, SplittableRandom r) {
        Grads atomic = grads(upstream, r);
        Grads fused = grads(upstream, r);
        Mlp.backward(p, b, a, Mlp.Mode.ATOMIC, atomic);
        Mlp.backward(p, b, a, Mlp.Mode.FUSED, fused);
        tamper.accept(atomic);
        Map<String, Tensor> out = new LinkedHashMap<>();
        atomic.all().forEach((name, grad) -> out.put(name.name(), grad));
        for (Name f : FUSED) {
            out.put(fusedRow(f), fused.get(f));
        }
        return out;
    }

    private static Grads grads(Map<String, Tensor> upstream, SplittableRandom r) {
        if (r == null) {
            return upstream != null ? Grads.local(upstream) : Grads.chained();
        }
        Grads[] self = new Grads[1];
        self[0] = Grads.local(Noise.upstream(upstream != null ? upstream::get : name -> self[0].get(Name.of(name)), r));
        return self[0];
    }

    /** A copy of the forward values, each moved by up to two ulps. */
    static Activations perturbed(Activations a, SplittableRandom r) {
        Activations c = new Activations();
        Noise.perturb(a.all(), r).forEach(c::set);
        c.logit_argmax = a.logit_argmax;
        return c;
    }

    /** Our forward intermediates against the reference's (none when the reference gives no values). */
    private static List<Row> compareForward(Activations a, Reference.Result ref, String refName) {
        List<Row> rows = new ArrayList<>();
        if (ref.values().isEmpty()) {
            return rows;
        }
        for (Map.Entry<Name, Tensor> e : a.all().entrySet()) {
            Tensor theirs = ref.values().get(e.getKey().name());
            Cmp.Row r = Cmp.cmp(e.getKey().name(), e.getValue(), theirs);
            rows.add(new Row(r, Verdict.NOT_COMPARED, refName, e.getValue().numel(), e.getValue().numel()));
        }
        return rows;
    }

    private static Row row(String label, Tensor mine, Reference.Result ref, Name name, String refName,
            double noise) {
        Tensor theirs = ref.grads().get(name.name());
        int[] idx = ref.sampledIndices(name.name());
        Cmp.Row r = Cmp.cmp(label, mine, theirs);
        int elements = theirs != null ? theirs.numel() : mine != null ? mine.numel() : 0;
        if (r.problem() != null) {
            return new Row(r, Verdict.NOT_COMPARED, refName, elements, elements);
        }
        if (idx == null) {
            return new Row(r, Verdict.of(mine.data(), theirs.data(), noise), refName, elements, elements);
        }
        float[] x = new float[idx.length], y = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            x[i] = mine.data()[idx[i]];
            y[i] = theirs.data()[idx[i]];
        }
        return new Row(Cmp.compare(label, x, y), Verdict.of(x, y, noise), refName, idx.length, elements);
    }

    /** Local mode: our backward steps read the reference's forward values. */
    private static void substituteValues(Activations a, Reference.Result ref, String refName) {
        for (Map.Entry<Name, Tensor> e : a.all().entrySet()) {
            Tensor theirs = ref.values().get(e.getKey().name());
            if (theirs == null) {
                throw new ReferenceMismatch("local mode needs the forward value of '" + e.getKey()
                        + "', which reference '" + refName + "' did not give");
            }
            requireShape(e.getKey(), "forward value", e.getValue(), theirs, refName);
            a.set(e.getKey(), theirs);
        }
    }

    /** Local mode: every step's upstream gradient must come complete, in the right shape, from the reference. */
    private static void requireUpstream(Activations a, Reference.Result ref, String refName) {
        Map<Name, Tensor> values = a.all();
        for (Name name : Name.EXERCISE1) {
            if (name.isParameter()) {
                continue; // leaves: no step reads their gradient
            }
            Tensor g = ref.grads().get(name.name());
            if (g == null) {
                throw new ReferenceMismatch("local mode needs the gradient of '" + name + "', which reference '"
                        + refName + "' did not give");
            }
            if (ref.sampledIndices(name.name()) != null) {
                throw new ReferenceMismatch("local mode needs every element of the gradient of '" + name
                        + "', reference '" + refName + "' computed only " + ref.sampledIndices(name.name()).length);
            }
            requireShape(name, "gradient", values.get(name), g, refName);
        }
    }

    private static void requireShape(Name name, String what, Tensor mine, Tensor theirs, String refName) {
        if (!Arrays.equals(mine.shape(), theirs.shape())) {
            throw new ReferenceMismatch("reference '" + refName + "' gave the " + what + " of '" + name
                    + "' in shape " + theirs.shapeString() + ", expected " + mine.shapeString());
        }
    }
}
