package ninja.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import ninja.exercise.ExerciseFiles;
import ninja.exercise.GradeProcess;
import ninja.exercise.GradeTable;
import ninja.exercise.Grader;
import ninja.exercise.LearnerCompiler;
import ninja.exercise.Step;
import picocli.CommandLine;

/**
 * {@code exercise grade --watch}: one warm process (JVM, compiler, data and the reference computed once) that
 * grades the file again each time it is saved and prints the rows that changed since the last grade and the
 * summary line. Ctrl-C (or an interrupt of the thread) stops it with exit 130; a second Ctrl-C while a grade
 * runs exits at once.
 */
final class ExerciseWatch {
    private static final int WARM_UP_COMPILES = 6;

    private final Path file;
    private final Supplier<GradeSession> start;
    private final Predicate<Step> rows;
    private final PrintWriter out;
    private Map<Step, Grader.Row> last;
    private long compiled;
    private final Path status;          // the status file GradeProcess.watch reads, or null
    private final String skip;          // the content (hex SHA-256) not to grade at start, or null

    ExerciseWatch(Path file, Supplier<GradeSession> start, Predicate<Step> rows, boolean json, CommandLine cl) {
        this(file, start, rows, json, cl, null, null);
    }

    /**
     * Noting in {@code status} the content it grades ({@link GradeProcess#FILE}), each step, and {@link
     * GradeProcess#IDLE} after each grade; not grading at start a content whose SHA-256 is {@code skip}.
     */
    ExerciseWatch(Path file, Supplier<GradeSession> start, Predicate<Step> rows, boolean json, CommandLine cl,
            Path status, String skip) {
        if (json) {
            throw new Errors.UserError("--watch prints the table after each save: drop --json");
        }
        this.file = file;
        this.start = start;
        this.rows = rows;
        this.out = cl.getOut();
        this.status = status;
        this.skip = skip;
    }

    int run() {
        try (Interrupts signals = Interrupts.install()) {
            Thread warm = warmUp(ExerciseFiles.read(file));
            GradeSession session = start.get();
            session.result(); // the reference, once, while the compiler warms up
            if (status != null) {
                session.grader().onStep(step -> GradeProcess.note(status, step.method()));
            }
            warm.join();
            out.printf("watching %s: grading on each save against %s (config %s, batch %d); Ctrl-C stops%n", file,
                    session.reference().name(), session.cfg().name(), session.b().n());
            FileWatch watch = new FileWatch(file);
            byte[] content = ExerciseFiles.read(file).getBytes(StandardCharsets.UTF_8);
            BooleanSupplier stop = () -> signals.requested() || Thread.currentThread().isInterrupted();
            if (FileWatch.hex(content).equals(skip)) {
                watch.seen(content);
                out.println("waiting for the next save");
                out.flush();
                content = watch.next(stop);
            }
            while (content != null) {
                watch.seen(content);
                long t0 = System.nanoTime();
                note(GradeProcess.FILE + FileWatch.hex(content));
                grade(session, new String(content, StandardCharsets.UTF_8), t0);
                note(GradeProcess.IDLE);
                out.flush();
                content = watch.next(stop);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("stopped watching " + file);
        out.flush();
        return Main.INTERRUPTED;   // Ctrl-C is the only way out
    }

    private void note(String line) {
        if (status != null) {
            GradeProcess.note(status, line);
        }
    }

    /**
     * Compiles the file a few times in the background while the data and the reference load: javac runs three to
     * four times faster once the JIT has compiled it, and the first saves are the ones a learner waits for.
     */
    private Thread warmUp(String source) {
        Thread t = new Thread(() -> {
            for (int i = 0; i < WARM_UP_COMPILES; i++) {
                try {
                    LearnerCompiler.compile(file, source, ExerciseFiles.className(file));
                } catch (LearnerCompiler.CompileError | RuntimeException e) {
                    return; // the first grade shows what is wrong
                }
            }
        }, "javac-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void grade(GradeSession session, String source, long t0) {
        Grader.Report report;
        try {
            Class<?> learner = LearnerCompiler.compile(file, source, ExerciseFiles.className(file));
            compiled = System.nanoTime();
            report = session.grade(learner, rows);
        } catch (LearnerCompiler.CompileError e) {
            out.println(stamp(t0) + ": " + e.getMessage() + "; fix it and save again");
            e.problems().forEach(p -> out.println(p.format()));
            return;
        } catch (RuntimeException e) {
            out.println(stamp(t0) + ": ninja: error: " + Errors.message(e));
            return;
        }
        List<String> table = GradeTable.lines(report);
        int summary = table.lastIndexOf("");
        if (last == null) {
            table.subList(0, summary).forEach(out::println);
        } else {
            List<Grader.Row> changed = report.rows().stream().filter(r -> !same(last.get(r.step()), r)).toList();
            out.println();
            out.println(stamp(t0) + (changed.isEmpty() ? ": no row changed" : ": changed since the last grade"));
            List<String> lines = GradeTable.lines(new Grader.Report(report.reference(), changed, null, report.loss()));
            lines.subList(0, lines.lastIndexOf("")).stream().filter(l -> !l.startsWith("-- Exercise"))
                    .map(l -> was(l, changed)).forEach(out::println);
        }
        table.subList(summary + 1, table.size()).forEach(out::println);
        last = new HashMap<>();
        report.rows().forEach(r -> last.put(r.step(), r));
    }

    /** A changed row's line with its previous status: "probs | done (was: not written yet) | ...". */
    private String was(String line, List<Grader.Row> changed) {
        for (Grader.Row r : changed) {
            String head = String.format("%-15s | %-15s | ", r.step().row(), r.status().label);
            Grader.Row before = last.get(r.step());
            if (line.startsWith(head) && before != null && before.status() != r.status()) {
                return line + "   (was: " + before.status().label + ")";
            }
        }
        return line;
    }

    private static boolean same(Grader.Row a, Grader.Row b) {
        if (a == null || a.status() != b.status() || !Objects.equals(a.hint(), b.hint())) {
            return false;
        }
        return a.cmp() == null || b.cmp() == null ? a.cmp() == b.cmp()
                : Double.compare(a.cmp().maxdiff(), b.cmp().maxdiff()) == 0;
    }

    /** When, and how long the compile and the grading took (the save-to-result time, but for the poll). */
    private String stamp(long t0) {
        long now = System.nanoTime();
        String split = compiled > t0 ? String.format(" (compile %.2f s)", (compiled - t0) / 1e9) : "";
        return String.format("-- %s graded in %.2f s%s", LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
                (now - t0) / 1e9, split);
    }
}
