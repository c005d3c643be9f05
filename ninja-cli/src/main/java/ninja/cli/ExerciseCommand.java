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
import ninja.exercise.ExerciseFiles;
import ninja.exercise.ExerciseTemplate;
import ninja.exercise.GradeProcess;
import ninja.exercise.GradeTable;
import ninja.exercise.Grader;
import ninja.exercise.LayerCases;
import ninja.exercise.LayerGrader;
import ninja.exercise.LearnerBackward;
import ninja.exercise.LearnerCompiler;
import ninja.exercise.ReferenceLoader;
import ninja.exercise.RowFilter;
import ninja.exercise.Step;
import ninja.exercise.Steps;
import ninja.model.Batch;
import ninja.data.DataLocator;
import ninja.data.Splits;
import ninja.model.Config;
import ninja.model.Schedule;
import ninja.model.WaveNetConfig;
import ninja.train.SequentialEval;
import ninja.train.WaveNetTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Learner mode: write the exercise file, grade it against the reference, write the solution. */
@Command(name = "exercise", mixinStandardHelpOptions = true,
        description = "Learner mode: do the lecture's Exercises 1-3 yourself, in one Java file, graded row by row "
                + "(--layers: Exercise 5, every layer's backward, then train the WaveNet with it).",
        subcommands = {ExerciseCommand.New.class, ExerciseCommand.Grade.class, ExerciseCommand.Solution.class,
                ExerciseCommand.Train.class})
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

        @Option(names = "--layers", description = "Exercise 5: DIR/Layers.java, the backward of every layer of the WaveNet")
        boolean layers;

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
            PrintWriter out = spec.commandLine().getOut();
            if (target.layers) {
                Path file = target.write(ExerciseFiles.layersFile(target.dir), ExerciseTemplate.layers());
                if (target.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("file", file.toString());
                    m.put("blanks", LayerGrader.METHODS.size());
                    m.put("methods", LayerGrader.METHODS);
                    Json.print(out, m);
                } else {
                    out.printf("wrote %s: %d blanks, the backward of each layer (%s)%n", file,
                            LayerGrader.METHODS.size(), String.join(", ", LayerGrader.METHODS));
                    out.printf("fill them in, then: ./ninja exercise grade %s, and ./ninja exercise train %s%n", file,
                            file);
                }
                return Main.OK;
            }
            Path file = target.write(ExerciseFiles.exerciseFile(target.dir), ExerciseTemplate.exercise());
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
            description = "Write the reference solution beside the exercise: DIR/BackpropSolution.java "
                    + "(--layers: DIR/LayersSolution.java).")
    static final class Solution implements Callable<Integer> {
        @Mixin
        Target target;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path file = target.layers
                    ? target.write(ExerciseFiles.layersSolutionFile(target.dir), ExerciseTemplate.layersSolution())
                    : target.write(ExerciseFiles.solutionFile(target.dir), ExerciseTemplate.solution());
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

        /** A restarted watch: the SHA-256 of the content that ended the last one, not graded again (GradeProcess). */
        @Option(names = "--skip-content", hidden = true)
        String skipContent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Path file = validated();
            if (watch && layers(file)) {
                throw new Errors.UserError("--watch grades Exercises 1-3 (Backprop.java) only; grade " + file
                        + " once per save without it");
            }
            if (watch && statusFile == null) {
                // the watch runs in a child JVM, started again when the learner's code ends it (GradeProcess.watch)
                try (Interrupts signals = Interrupts.install()) {
                    return GradeProcess.watch(spec.commandLine().getParseResult().originalArgs(), out,
                            spec.commandLine().getErr(), signals::requested, "stopped watching " + file);
                }
            }
            if (watch) {
                // warm, in this JVM: a second per try needs the compiler and the reference kept (see ExerciseWatch)
                try {
                    return new ExerciseWatch(file, () -> GradeSession.start(model, reference, timeout), rows(), json,
                            spec.commandLine(), statusFile, skipContent).run();
                } finally {
                    GradeProcess.note(statusFile, "done");
                }
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
                return compileError(out, e);
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
            if (json) {
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
            if (json) {
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
            if (json) {
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

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Exercise 5's Exercise 4: train makemore part 5's WaveNet (its notebook configuration, the same "
                    + "init, batches and schedule as ./ninja train --config wavenet) with the backward of the given "
                    + "Layers.java, and report the train and val loss. Exit 0 when it ran, 1 when the backward failed "
                    + "or training diverged, 2 when the file does not compile.")
    static final class Train implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "FILE", description = "an Exercise 5 file (./ninja exercise new DIR --layers)")
        Path path;

        @Option(names = "--steps", paramLabel = "N", defaultValue = "200000",
                description = "training steps; default ${DEFAULT-VALUE} (lr 0.1, then 0.01 from step 150000)")
        int steps;

        @Option(names = "--eval-every", paramLabel = "N", defaultValue = "10000",
                description = "print the val loss every N steps (0: at the end only); default ${DEFAULT-VALUE}")
        int evalEvery;

        @Option(names = "--data", paramLabel = "PATH", description = "names file (default: the built-in names.txt)")
        Path data;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        /** Set in the child JVM that runs the learner's code (see GradeProcess). */
        @Option(names = "--status-file", hidden = true)
        Path statusFile;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (steps < 1 || evalEvery < 0) {
                throw new Errors.UserError("--steps must be at least 1 and --eval-every at least 0, got " + steps
                        + " and " + evalEvery);
            }
            Path file = ExerciseFiles.toGrade(path);
            PrintWriter out = spec.commandLine().getOut();
            if (statusFile == null) {
                return GradeProcess.run(spec.commandLine().getParseResult().originalArgs(), out,
                        spec.commandLine().getErr(), Main.CHECK_FAILED, "training");
            }
            try {
                return train(out, file);
            } finally {
                GradeProcess.note(statusFile, "done"); // not reached when the learner's code ends the JVM
            }
        }

        private int train(PrintWriter out, Path file) {
            Class<?> learner;
            try {
                learner = LearnerCompiler.compile(file, ExerciseFiles.read(file), ExerciseFiles.className(file));
            } catch (LearnerCompiler.CompileError e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("ninja: error: " + e.getMessage());
                e.problems().forEach(p -> err.println(p.format()));
                err.flush();
                return Main.BAD_INPUT;
            }
            WaveNetConfig cfg = WaveNetConfig.NOTEBOOK;
            Splits splits = Splits.of(new DataLocator(System.getenv(), Path.of("")).load(data), cfg.blockSize());
            WaveNetTrainer trainer = WaveNetTrainer.fresh(cfg, splits, Schedule.WAVENET);
            trainer.backward(new LearnerBackward(learner, trainer.model()));
            if (!json) {
                out.printf("training wavenet (n_embd %d, n_hidden %d, block %d, batch %d, seed %d) with the backward of %s,"
                        + " steps 0..%d, lr 0.1 then 0.01 from step 150000%n", cfg.nEmbd(), cfg.nHidden(), cfg.blockSize(),
                        cfg.batchSize(), cfg.seed(), file, steps - 1);
                out.flush();
            }
            GradeProcess.note(statusFile, "a training step");
            long t0 = System.nanoTime();
            int every = evalEvery == 0 ? steps : evalEvery;
            List<Float> losses = new java.util.ArrayList<>();
            // a failing backward throws IllegalStateException (exit 1, its message naming the layer)
            trainer.run(steps, evalEvery, 0, new WaveNetTrainer.Listener() {
                @Override
                public void onStep(int step, float lr, float loss) {
                    losses.add(loss);
                    if (!json && step % every == 0) { // the notebook's print: step i's loss, before its update
                        out.printf("%7d/%7d: %.4f%n", step, steps, loss);
                        out.flush();
                    }
                }

                @Override
                public void onEval(int step, float valLoss) {
                    if (!json) {
                        out.printf("%7d/%7d: val %.4f%n", step, steps, valLoss);
                        out.flush();
                    }
                }
            }, () -> false);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double train = SequentialEval.loss(trainer.model(), splits.train());
            double val = SequentialEval.loss(trainer.model(), splits.val());
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", file.toString());
                m.put("steps", steps);
                m.put("train", train);
                m.put("val", val);
                m.put("seconds", seconds);
                m.put("losses", losses);
                Json.print(out, m);
            } else {
                out.printf("steps       0 to %d in %.1f s (%.0f steps/s)%n", steps - 1, seconds, steps / seconds);
                out.printf("train       %.4f   (batchnorm in eval mode: running statistics)%n", train);
                out.printf("val         %.4f%n", val);
            }
            out.flush();
            return Main.OK;
        }
    }
}
