package ninja.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.exercise.ExerciseFiles;
import ninja.exercise.GradeProcess;
import ninja.exercise.LearnerBackward;
import ninja.exercise.LearnerCompiler;
import ninja.data.Splits;
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

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Exercise 5's Exercise 4: train makemore part 5's WaveNet (its notebook configuration, the same "
                + "init, batches and schedule as ./ninja train --config wavenet) with the backward of the given "
                + "Layers.java, and report the train and val loss. Exit 0 when it ran, 1 when the backward failed "
                + "or training diverged, 2 when the file does not compile.")
final class ExerciseTrain implements Callable<Integer> {
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

    @Mixin
    Output output;

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
        PrintWriter out = output.out();
        if (statusFile == null) {
            return GradeProcess.run(spec.commandLine().getParseResult().originalArgs(), out,
                    output.err(), Main.CHECK_FAILED, "training");
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
            return ExerciseGrade.compileError(output, path, e);
        }
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK;
        Splits splits = Splits.of(ModelOptions.names(data), cfg.blockSize());
        Schedule schedule = Schedule.WAVENET;
        WaveNetTrainer trainer = WaveNetTrainer.fresh(cfg, splits, schedule);
        trainer.backward(new LearnerBackward(learner, trainer.model()));
        if (!output.json) {
            out.printf("training %s with the backward of %s, steps 0..%d, lr %s then %s from step %d%n", cfg.describe(),
                    file, steps - 1, schedule.lr(), schedule.lrFinal(), schedule.decayStep());
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
                if (!output.json && step % every == 0) { // the notebook's print: step i's loss, before its update
                    out.printf("%7d/%7d: %.4f%n", step, steps, loss);
                    out.flush();
                }
            }

            @Override
            public void onEval(int step, float valLoss) {
                if (!output.json) {
                    out.printf("%7d/%7d: val %.4f%n", step, steps, valLoss);
                    out.flush();
                }
            }
        }, () -> false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double train = SequentialEval.loss(trainer.model(), splits.train());
        double val = SequentialEval.loss(trainer.model(), splits.val());
        if (output.json) {
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
