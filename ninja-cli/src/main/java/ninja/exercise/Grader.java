package ninja.exercise;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import ninja.check.Cmp;
import ninja.check.GradientCheck;
import ninja.check.LocalVjp;
import ninja.check.Reference;
import ninja.check.Verdict;
import ninja.data.Batch;
import ninja.lecture.Activations;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * Grades a compiled exercise class row by row, locally: every step is called alone, fed the reference's
 * forward values and upstream gradients (copies, so nothing the learner does leaks into another row), and its
 * result is compared with the reference's gradient by {@link Cmp}. Each call runs in a daemon thread with a time
 * limit; a step that does not finish stops the grading (its thread cannot be killed, but will not keep the JVM
 * alive).
 */
public final class Grader {

    public enum Status {
        DONE("done"), WRONG("wrong"), RIGHT_HERE_ONLY("right here only"), NOT_WRITTEN("not written yet"),
        SKIPPED("skipped");

        public final String label;

        Status(String label) {
            this.label = label;
        }
    }

    /**
     * One row of the table; {@code cmp} (the lecture's columns, on the real upstream) and {@code verdict} (the
     * float32-aware decision, see {@link Verdict}) are null when nothing was compared.
     */
    public record Row(Step step, Status status, Cmp.Row cmp, Verdict verdict, String hint) {
        Row(Step step, Status status, String hint) {
            this(step, status, null, null, hint);
        }
    }

    /**
     * @param rows one per step, in the file's order
     * @param stopped why grading stopped early (a step ran past the time limit), else null
     * @param loss the reference's loss on the batch
     */
    public record Report(String reference, List<Row> rows, String stopped, double loss) {
        public boolean allDone() {
            return rows.stream().allMatch(r -> r.status() == Status.DONE);
        }

        public long count(Status s) {
            return rows.stream().filter(r -> r.status() == s).count();
        }
    }

    private final Reference reference;
    private final Duration timeout;
    private java.util.function.Consumer<Step> onStep = s -> { };

    public Grader(Reference reference, Duration timeout) {
        this.reference = reference;
        this.timeout = timeout;
    }

    /** Called with each step before the learner's code for it runs (the grading process notes it). */
    public Grader onStep(java.util.function.Consumer<Step> listener) {
        this.onStep = listener;
        return this;
    }

    public Report grade(Class<?> learner, Parameters p, Batch b) {
        return grade(learner, p, b, RowFilter.all());
    }

    /** Grades the rows {@code only} accepts (each still fed the reference's upstream gradients). */
    public Report grade(Class<?> learner, Parameters p, Batch b, java.util.function.Predicate<Step> only) {
        Reference.Result result = reference.compute(p, b);
        String mismatch = result.fingerprint().mismatch(ninja.check.Fingerprint.of(p, b));
        if (mismatch != null) {
            throw new IllegalStateException(mismatch);
        }
        Class<?> acts = actsClass(learner);
        // forward values: the reference's where it has them, else our own forward pass
        Activations forward = Mlp.forward(p, b);
        Map<String, Tensor> values = new HashMap<>(forward.byName());
        values.putAll(result.values());
        result.values().forEach((k, v) -> forward.set(ninja.lecture.Name.of(k), v));
        values.putAll(p.byName());
        Map<String, Tensor> refGrads = result.grads();
        Map<String, Tensor> mineDone = new HashMap<>();
        int[] rowUses = new int[p.vocabSize()];
        for (int x : b.xb()) {
            rowUses[x]++;
        }
        Map<String, Double> noise = noise(p, b, forward, refGrads);
        // the random-upstream trials cost three reference VJPs: drawn when a first step needs them
        Trials trials = reference instanceof LocalVjp v && noise.size() > 0
                ? new Trials(v, p, b, forward, refGrads, noise) : null;

        List<Row> rows = new ArrayList<>();
        String stopped = null;
        for (Step step : Steps.ALL.stream().filter(only).toList()) {
            if (stopped != null) {
                rows.add(new Row(step, Status.SKIPPED, "grading stopped: " + stopped));
                continue;
            }
            Tensor ref = refGrads.get(step.grad());
            if (ref == null) {
                rows.add(new Row(step, Status.SKIPPED,
                        "the " + reference.name() + " reference has no gradient for " + step.grad()));
                continue;
            }
            Object[] args = new Object[1 + step.upstream().size()];
            String blocked = null;
            for (int i = 0; i < step.upstream().size(); i++) {
                String u = step.upstream().get(i);
                Tensor up = refGrads.containsKey(u) ? refGrads.get(u) : mineDone.get(u);
                if (up == null) {
                    blocked = "needs d" + u + ": the " + reference.name() + " reference has none and your row " + u
                            + " is not done";
                    break;
                }
                args[1 + i] = up.copy();
            }
            if (blocked != null) {
                rows.add(new Row(step, Status.SKIPPED, blocked));
                continue;
            }
            Method method = method(learner, step);
            if (method == null) {
                rows.add(new Row(step, Status.WRONG, "no method public " + step.signature() + " in "
                        + learner.getSimpleName() + ".java"));
                continue;
            }
            args[0] = newActs(acts, values, b);
            onStep.accept(step);
            Outcome out = run(learner, method, args);
            if (out.timedOut) {
                stopped = step.method() + " did not finish within " + seconds(timeout) + " (an infinite loop?)";
                rows.add(new Row(step, Status.WRONG, "still running after " + seconds(timeout)
                        + ": an infinite loop? grading stopped here (--timeout to allow more)"));
                continue;
            }
            if (out.error != null) {
                rows.add(new Row(step, Status.WRONG, "computing d" + step.grad() + ": " + describe(out.error,
                        learner)));
                continue;
            }
            if (!(out.value instanceof Tensor mine)) {
                rows.add(new Row(step, Status.NOT_WRITTEN, "return d" + step.grad() + ", shape " + ref.shapeString()));
                continue;
            }
            int[] idx = result.sampledIndices(step.grad());
            Cmp.Row cmp = compared(step.row(), mine, ref, idx);
            Verdict verdict = cmp.problem() != null ? Verdict.NOT_COMPARED
                    : Verdict.of(picked(mine, idx), picked(ref, idx), noise.getOrDefault(noiseKey(step), 0.0));
            if (!verdict.pass()) {
                String branch = trials != null && mine.sameShape(ref) ? trials.branchHint(step, mine, refGrads) : null;
                String hint = !mine.sameShape(ref) ? Hints.shape(mine, ref) : branch != null ? branch
                        : Hints.values(mine, ref, b.n(), step.grad().equals("C") ? rowUses : null,
                                noise.getOrDefault(noiseKey(step), 0.0));
                rows.add(new Row(step, Status.WRONG, cmp, verdict, hint));
                continue;
            }
            String hereOnly = trials == null || step.exercise() != 1 || step.upstream().isEmpty() ? null
                    : trials.hereOnly(step, mine, u -> run(learner, method, withUpstream(step, acts, values, b, u)));
            if (hereOnly != null) {
                rows.add(new Row(step, Status.RIGHT_HERE_ONLY, cmp, verdict, hereOnly));
                continue;
            }
            rows.add(new Row(step, Status.DONE, cmp, verdict, null));
            if (step.exercise() == 1) {
                mineDone.put(step.grad(), mine);
            }
        }
        return new Report(reference.name(), rows, stopped, result.loss());
    }

    /** A step's arguments: fresh forward values, then copies of the given upstream gradients. */
    private static Object[] withUpstream(Step step, Class<?> acts, Map<String, Tensor> values, Batch b,
            Map<String, Tensor> upstream) {
        Object[] args = new Object[1 + step.upstream().size()];
        args[0] = newActs(acts, values, b);
        for (int i = 0; i < step.upstream().size(); i++) {
            args[1 + i] = upstream.get(step.upstream().get(i)).copy();
        }
        return args;
    }

    /** The rounding noise of each correct local step on the real upstream (none when the reference lacks some). */
    private static Map<String, Double> noise(Parameters p, Batch b, Activations a, Map<String, Tensor> refGrads) {
        try {
            return GradientCheck.localNoise(p, b, a, refGrads);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /** The key of a step's row in {@link GradientCheck#localNoise}. */
    static String noiseKey(Step step) {
        return step.exercise() == 1 ? step.grad() : step.grad() + " (fused)";
    }

    /** The lecture's cmp of mine and the reference, at the sampled elements only where the reference is sampled. */
    static Cmp.Row compared(String row, Tensor mine, Tensor ref, int[] idx) {
        Cmp.Row c = Cmp.cmp(row, mine, ref);
        return c.problem() != null || idx == null ? c : Cmp.compare(row, picked(mine, idx), picked(ref, idx));
    }

    static float[] picked(Tensor t, int[] idx) {
        if (idx == null) {
            return t.data();
        }
        float[] out = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = t.data()[idx[i]];
        }
        return out;
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static Class<?> actsClass(Class<?> learner) {
        for (Class<?> c : learner.getDeclaredClasses()) {
            if (c.getSimpleName().equals("Acts")) {
                return c;
            }
        }
        throw new IllegalArgumentException(learner.getSimpleName() + ".java has no nested class Acts (the forward values); "
                + "start again from ./ninja exercise new");
    }

    private static Method method(Class<?> learner, Step step) {
        for (Method m : learner.getMethods()) {
            if (m.getName().equals(step.method()) && m.getParameterCount() == 1 + step.upstream().size()
                    && !Modifier.isStatic(m.getModifiers())) {
                return m;
            }
        }
        return null;
    }

    /** A fresh Acts with copies of the parameters and forward values, so no step can change another's inputs. */
    private static Object newActs(Class<?> acts, Map<String, Tensor> values, Batch b) {
        try {
            Object a = acts.getDeclaredConstructor().newInstance();
            for (Field f : acts.getFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                switch (f.getName()) {
                    case "n" -> f.setInt(a, b.n());
                    case "block_size" -> f.setInt(a, b.blockSize());
                    case "Xb" -> f.set(a, b.xb().clone());
                    case "Yb" -> f.set(a, b.yb().clone());
                    default -> {
                        Tensor t = values.get(f.getName());
                        if (t != null && f.getType() == Tensor.class) {
                            f.set(a, t.copy());
                        }
                    }
                }
            }
            return a;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot fill the class Acts of the exercise: " + e);
        }
    }

    record Outcome(Object value, Throwable error, boolean timedOut) {
    }

    private Outcome run(Class<?> learner, Method method, Object[] args) {
        return call(learner, method, args, timeout);
    }

    /**
     * {@code method} of a new instance of the learner's class on {@code args}, in a daemon thread with a time limit
     * (a thread past it cannot be killed, but will not keep the JVM alive).
     */
    static Outcome call(Class<?> learner, Method method, Object[] args, Duration timeout) {
        Callable<Object> call = () -> method.invoke(learner.getDeclaredConstructor().newInstance(), args);
        FutureTask<Object> task = new FutureTask<>(call);
        Thread t = new Thread(task, "exercise-" + method.getName());
        t.setDaemon(true);
        t.start();
        try {
            return new Outcome(task.get(timeout.toMillis(), TimeUnit.MILLISECONDS), null, false);
        } catch (TimeoutException e) {
            t.interrupt();
            return new Outcome(null, null, true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while ((cause instanceof InvocationTargetException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return new Outcome(null, cause, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
            throw new IllegalStateException("interrupted while grading " + method.getName());
        }
    }

    /** The exception and the line of the learner's file it came from. */
    static String describe(Throwable e, Class<?> learner) {
        String where = "";
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().equals(learner.getName()) || f.getClassName().startsWith(learner.getName() + "$")) {
                where = " (line " + f.getLineNumber() + ")";
                break;
            }
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "") + where;
    }

    /** The table's rows as plain data, for --json. */
    public static List<Map<String, Object>> json(Report report) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : report.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.step().row());
            m.put("method", r.step().method());
            m.put("exercise", r.step().exercise());
            m.put("status", r.status().label);
            m.put("exact", r.cmp() != null && r.cmp().problem() == null ? r.cmp().exact() : null);
            m.put("approximate", r.cmp() != null && r.cmp().problem() == null ? r.cmp().approximate() : null);
            m.put("maxdiff", r.cmp() != null && Double.isFinite(r.cmp().maxdiff()) ? r.cmp().maxdiff() : null);
            m.put("relerr", r.verdict() != null && Double.isFinite(r.verdict().relerr()) ? r.verdict().relerr() : null);
            m.put("hint", r.hint());
            out.add(m);
        }
        return out;
    }
}
