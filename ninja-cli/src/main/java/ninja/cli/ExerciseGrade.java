package ninja.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import ninja.data.Batch;
import ninja.exercise.ExerciseFiles;
import ninja.exercise.GradeProcess;
import ninja.exercise.GradeTable;
import ninja.exercise.Grader;
import ninja.exercise.LayerCases;
import ninja.exercise.LayerGrader;
import ninja.exercise.LearnerCompiler;
import ninja.exercise.ReferenceLoader;
import ninja.exercise.RowFilter;
import ninja.exercise.Step;
import ninja.model.Config;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "grade", mixinStandardHelpOptions = true,
        description = "Compile DIR/Backprop.java (or the given .java file), run each gradient on the notebook's batch "
                + "fed the reference's upstream gradients, and compare. Exit 0 when every row is done, 1 otherwise, "
                + "2 when it does not compile.")
final class ExerciseGrade implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "PATH", description = "the exercise directory, or a .java file in the same form")
    Path path;

    @Mixin
    ModelOptions model;

    @Option(names = "--reference", defaultValue = "torch",
            description = "torch (libtorch autograd) or fd (finite differences); default ${DEFAULT-VALUE}")
    String reference;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "time limit per gradient; default ${DEFAULT-VALUE} s")
    double timeout;

    @Mixin
    Output output;

    @Option(names = "--only", split = ",", paramLabel = "ROW",
            description = "grade these rows alone: names as in the table (probs, 'logits (fast)') or methods (dprobs)")
    List<String> only;

    @Option(names = "--watch", description = "stay running: grade again each time the file is saved (Ctrl-C stops)")
    boolean watch;

    /** Set in the child JVM that runs the learner's code (see GradeProcess). */
    @Option(names = "--status-file", hidden = true)
    Path statusFile;

    /** A restarted watch: the SHA-256 of the content that ended the last one, not graded again (GradeProcess). */
    @Option(names = "--skip-content", hidden = true)
    String skipContent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = output.out();
        Path file = validated();
        if (watch && layers(file)) {
            throw new Errors.UserError("--watch grades Exercises 1-3 (Backprop.java) only; grade " + file
                    + " once per save without it");
        }
        if (watch && statusFile == null) {
            // the watch runs in a child JVM, started again when the learner's code ends it (GradeProcess.watch)
            try (Interrupts signals = Interrupts.install()) {
                return GradeProcess.watch(spec.commandLine().getParseResult().originalArgs(), out,
                        output.err(), signals::requested, "stopped watching " + file);
            }
        }
        if (watch) {
            // warm, in this JVM: a second per try needs the compiler and the reference kept (see ExerciseWatch)
            try {
                return new ExerciseWatch(file, () -> GradeSession.start(model, reference, timeout), rows(), output.json,
                        spec.commandLine(), statusFile, skipContent).run();
            } finally {
                GradeProcess.note(statusFile, "done");
            }
        }
        if (statusFile == null) {
            return GradeProcess.run(spec.commandLine().getParseResult().originalArgs(), out,
                    output.err(), Main.CHECK_FAILED);
        }
        try {
            return grade(out, file);
        } finally {
            GradeProcess.note(statusFile, "done"); // not reached when the learner's code ends the JVM
        }
    }

    /** The file to grade, once the options are known good (checked before a child JVM is started). */
    private Path validated() {
        if (!(timeout > 0 && timeout <= 3600)) {
            throw new Errors.UserError("--timeout must be more than 0 and at most 3600 seconds, got " + timeout);
        }
        Path file = ExerciseFiles.toGrade(path);
        ReferenceLoader.className(reference); // a wrong name fails before the compile
        if (!layers(file)) {
            rows(); // an unknown --only row fails before the compile (Exercise 5's rows: in the child)
        }
        return file;
    }

    /** Whether the file is Exercise 5's (it declares the layers' backward), told from its text. */
    private static boolean layers(Path file) {
        return ExerciseFiles.read(file).contains(" linearBackward(");
    }

    private Predicate<Step> rows() {
        return only == null ? RowFilter.all() : RowFilter.of(only);
    }

    private int grade(PrintWriter out, Path file) {
        String source = ExerciseFiles.read(file);
        Class<?> learner;
        try {
            learner = LearnerCompiler.compile(file, source, ExerciseFiles.className(file));
        } catch (LearnerCompiler.CompileError e) {
            return compileError(output, path, e);
        }
        if (LayerGrader.isLayers(learner)) {
            return gradeLayers(out, file, learner);
        }
        GradeSession session = GradeSession.start(model, reference, timeout);
        session.grader().onStep(step -> GradeProcess.note(statusFile, step.method()));
        Config cfg = session.cfg();
        Batch b = session.b();
        Predicate<Step> rows = rows();
        Grader.Report report = quietly(() -> session.grade(learner, rows));
        if (output.json) {
            printJson(out, file, report, cfg.summary());
        } else {
            out.printf("grading %s against %s (config %s, batch %d)%n", file, report.reference(), cfg.name(), b.n());
            GradeTable.lines(report).forEach(out::println);
        }
        out.flush();
        return report.allDone() ? Main.OK : Main.CHECK_FAILED;
    }

    /** Exercise 5: every layer's backward on the WaveNet's shapes. */
    private int gradeLayers(PrintWriter out, Path file, Class<?> learner) {
        LayerGrader grader = LayerGrader.of(reference, Duration.ofMillis(Math.round(timeout * 1000)))
                .onStep(step -> GradeProcess.note(statusFile, step.method()));
        LayerCases.Cases cases = LayerCases.wavenet(model.names());
        Predicate<Step> rows = only == null ? RowFilter.all()
                : RowFilter.of(only, LayerGrader.rows(cases), "linearBackward, linear_3d");
        Grader.Report report = quietly(() -> grader.grade(learner, cases, rows));
        if (output.json) {
            printJson(out, file, report, Map.of("name", "wavenet", "batch", cases.batch(), "block", cases.block()));
        } else {
            out.printf("grading %s against %s (Exercise 5: each layer of the WaveNet, batch %d, block %d)%n", file,
                    report.reference(), cases.batch(), cases.block());
            GradeTable.lines(report).forEach(out::println);
        }
        out.flush();
        return report.allDone() ? Main.OK : Main.CHECK_FAILED;
    }

    /** Runs the grading with the learner's prints kept off stdout under --json (one JSON object there). */
    private Grader.Report quietly(java.util.function.Supplier<Grader.Report> grading) {
        PrintStream stdout = System.out;
        if (output.json) {
            System.setOut(System.err);
        }
        try {
            return grading.get();
        } finally {
            System.setOut(stdout);
        }
    }

    private void printJson(PrintWriter out, Path file, Grader.Report report, Object config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("reference", report.reference());
        m.put("config", config);
        m.put("loss", report.loss());
        m.put("all_done", report.allDone());
        m.put("done", report.count(Grader.Status.DONE));
        m.put("total", report.rows().size());
        m.put("stopped", report.stopped());
        m.put("rows", Grader.json(report));
        Json.print(out, m);
    }

    /** The learner's file does not compile: each problem with its line, column and hint; exit 2. */
    static int compileError(Output output, Path path, LearnerCompiler.CompileError e) {
        PrintWriter out = output.out();
        if (output.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", path.toString());
            m.put("compiled", false);
            List<Map<String, Object>> errors = e.problems().stream().map(p -> {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("file", p.file());
                pm.put("line", p.line());
                pm.put("message", p.message());
                pm.put("column", p.column());
                pm.put("hint", p.hint());
                return pm;
            }).toList();
            m.put("errors", errors);
            Json.print(out, m);
        }
        PrintWriter err = output.err();
        err.println("ninja: error: " + e.getMessage());
        e.problems().forEach(p -> err.println(p.format()));
        err.flush();
        return Main.BAD_INPUT;
    }
}
