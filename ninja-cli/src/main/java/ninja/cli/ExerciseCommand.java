package ninja.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import ninja.exercise.ExerciseFiles;
import ninja.exercise.ExerciseTemplate;
import ninja.exercise.GradeProcess;
import ninja.exercise.GradeTable;
import ninja.exercise.Grader;
import ninja.exercise.LearnerCompiler;
import ninja.exercise.ReferenceLoader;
import ninja.exercise.RowFilter;
import ninja.exercise.Step;
import ninja.exercise.Steps;
import ninja.model.Batch;
import ninja.model.Config;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Learner mode: write the exercise file, grade it against the reference, write the solution. */
@Command(name = "exercise", mixinStandardHelpOptions = true,
        description = "Learner mode: do the lecture's Exercises 1-3 yourself, in one Java file, graded row by row.",
        subcommands = {ExerciseCommand.New.class, ExerciseCommand.Grade.class, ExerciseCommand.Solution.class})
final class ExerciseCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: new, grade or solution");
    }

    /** What `new` and `solution` share: where to write, whether to replace a file, how to report. */
    static final class Target {
        @CommandLine.Parameters(paramLabel = "DIR", description = "the exercise directory (created if missing)")
        Path dir;

        @Option(names = "--force", description = "replace an existing file (what was in it is lost)")
        boolean force;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        /** Writes the file (never over an existing one without --force) and returns where it went. */
        Path write(Path file, String content) {
            ExerciseFiles.write(file, content, force);
            return file;
        }
    }

    @Command(name = "new", mixinStandardHelpOptions = true,
            description = "Write DIR/Backprop.java: the forward pass written, one blank per gradient.")
    static final class New implements Callable<Integer> {
        @Mixin
        Target target;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path file = target.write(ExerciseFiles.exerciseFile(target.dir), ExerciseTemplate.exercise());
            PrintWriter out = spec.commandLine().getOut();
            int blanks = Steps.ALL.size() - 1;
            if (target.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", file.toString());
                m.put("blanks", blanks);
                m.put("methods", Steps.ALL.stream().map(s -> s.signature()).toList());
                Json.print(out, m);
            } else {
                out.printf("wrote %s: %d blanks (Exercise 1's 26 gradients, dlogprobs done as the example; Exercises 2, 3)%n",
                        file, blanks);
                out.printf("fill them in, then: ./ninja exercise grade %s%n", target.dir);
            }
            return Main.OK;
        }
    }

    @Command(name = "solution", mixinStandardHelpOptions = true,
            description = "Write the reference solution beside the exercise: DIR/BackpropSolution.java.")
    static final class Solution implements Callable<Integer> {
        @Mixin
        Target target;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path file = target.write(ExerciseFiles.solutionFile(target.dir), ExerciseTemplate.solution());
            PrintWriter out = spec.commandLine().getOut();
            if (target.json) {
                Json.print(out, Map.of("file", file.toString()));
            } else {
                out.printf("wrote %s (grade it: ./ninja exercise grade %s)%n", file, file);
            }
            return Main.OK;
        }
    }

    @Command(name = "grade", mixinStandardHelpOptions = true,
            description = "Compile DIR/Backprop.java (or the given .java file), run each gradient on the notebook's batch "
                    + "fed the reference's upstream gradients, and compare. Exit 0 when every row is done, 1 otherwise, "
                    + "2 when it does not compile.")
    static final class Grade implements Callable<Integer> {
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

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Option(names = "--only", split = ",", paramLabel = "ROW",
                description = "grade these rows alone: names as in the table (probs, 'logits (fast)') or methods (dprobs)")
        List<String> only;

        @Option(names = "--watch", description = "stay running: grade again each time the file is saved (Ctrl-C stops)")
        boolean watch;

        /** Set in the child JVM that runs the learner's code (see GradeProcess). */
        @Option(names = "--status-file", hidden = true)
        Path statusFile;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Path file = validated();
            if (watch) {
                // warm, in this JVM: a second per try needs the compiler and the reference kept (see ExerciseWatch)
                return new ExerciseWatch(file, () -> GradeSession.start(model, reference, timeout), rows(), json,
                        spec.commandLine()).run();
            }
            if (statusFile == null) {
                return GradeProcess.run(spec.commandLine().getParseResult().originalArgs(), out,
                        spec.commandLine().getErr(), Main.CHECK_FAILED);
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
            rows(); // an unknown --only row fails before the compile
            return file;
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
                return compileError(out, e);
            }
            GradeSession session = GradeSession.start(model, reference, timeout);
            session.grader().onStep(step -> GradeProcess.note(statusFile, step.method()));
            Config cfg = session.cfg();
            Batch b = session.b();
            Predicate<Step> rows = rows();
            Grader.Report report;
            PrintStream stdout = System.out;
            if (json) {
                System.setOut(System.err); // the learner's prints must not break the one JSON object
            }
            try {
                report = session.grade(learner, rows);
            } finally {
                System.setOut(stdout);
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", file.toString());
                m.put("reference", report.reference());
                m.put("config", cfg.summary());
                m.put("loss", report.loss());
                m.put("all_done", report.allDone());
                m.put("done", report.count(Grader.Status.DONE));
                m.put("total", report.rows().size());
                m.put("stopped", report.stopped());
                m.put("rows", Grader.json(report));
                Json.print(out, m);
            } else {
                out.printf("grading %s against %s (config %s, batch %d)%n", file, report.reference(), cfg.name(), b.n());
                GradeTable.lines(report).forEach(out::println);
            }
            out.flush();
            return report.allDone() ? Main.OK : Main.CHECK_FAILED;
        }

        private int compileError(PrintWriter out, LearnerCompiler.CompileError e) {
            if (json) {
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
            PrintWriter err = spec.commandLine().getErr();
            err.println("ninja: error: " + e.getMessage());
            e.problems().forEach(p -> err.println(p.format()));
            err.flush();
            return Main.BAD_INPUT;
        }
    }
}
