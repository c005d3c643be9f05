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
import ninja.check.Reference;
import ninja.model.Batch;
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
        DONE("done"), WRONG("wrong"), NOT_WRITTEN("not written yet"), SKIPPED("skipped");

        public final String label;

        Status(String label) {
            this.label = label;
        }
    }

    /** One row of the table; {@code cmp} is null when nothing was compared. */
    public record Row(Step step, Status status, Cmp.Row cmp, String hint) {
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

    public Grader(Reference reference, Duration timeout) {
        this.reference = reference;
        this.timeout = timeout;
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
        Map<String, Tensor> values = new HashMap<>(Mlp.forward(p, b).byName());
        values.putAll(result.values());
        values.putAll(p.byName());
        Map<String, Tensor> refGrads = result.grads();
        Map<String, Tensor> mineDone = new HashMap<>();
        int[] rowUses = new int[p.vocabSize()];
        for (int x : b.xb()) {
            rowUses[x]++;
        }

        List<Row> rows = new ArrayList<>();
        String stopped = null;
        for (Step step : Steps.ALL.stream().filter(only).toList()) {
            if (stopped != null) {
                rows.add(new Row(step, Status.SKIPPED, null, "grading stopped: " + stopped));
                continue;
            }
            Tensor ref = refGrads.get(step.grad());
            if (ref == null) {
                rows.add(new Row(step, Status.SKIPPED, null,
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
                rows.add(new Row(step, Status.SKIPPED, null, blocked));
                continue;
            }
            Method method = method(learner, step);
            if (method == null) {
                rows.add(new Row(step, Status.WRONG, null, "no method public " + step.signature() + " in "
                        + learner.getSimpleName() + ".java"));
                continue;
            }
            args[0] = newActs(acts, values, b);
            Outcome out = run(learner, method, args);
            if (out.timedOut) {
                stopped = step.method() + " did not finish within " + seconds(timeout) + " (an infinite loop?)";
                rows.add(new Row(step, Status.WRONG, null, "still running after " + seconds(timeout)
                        + ": an infinite loop? grading stopped here (--timeout to allow more)"));
                continue;
            }
            if (out.error != null) {
                rows.add(new Row(step, Status.WRONG, null, "computing d" + step.grad() + ": " + describe(out.error,
                        learner)));
                continue;
            }
            if (!(out.value instanceof Tensor mine)) {
                rows.add(new Row(step, Status.NOT_WRITTEN, null,
                        "return d" + step.grad() + ", shape " + ref.shapeString()));
                continue;
            }
            Cmp.Row cmp = Cmp.cmp(step.row(), mine, ref);
            if (cmp.ok()) {
                rows.add(new Row(step, Status.DONE, cmp, null));
                if (step.exercise() == 1) {
                    mineDone.put(step.grad(), mine);
                }
            } else {
                String hint = !mine.sameShape(ref) ? Hints.shape(mine, ref)
                        : Hints.values(mine, ref, b.n(), step.grad().equals("C") ? rowUses : null);
                rows.add(new Row(step, Status.WRONG, cmp, hint));
            }
        }
        return new Report(reference.name(), rows, stopped, result.loss());
    }

    private static String seconds(Duration d) {
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

    private record Outcome(Object value, Throwable error, boolean timedOut) {
    }

    private Outcome run(Class<?> learner, Method method, Object[] args) {
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
            m.put("hint", r.hint());
            out.add(m);
        }
        return out;
    }
}
