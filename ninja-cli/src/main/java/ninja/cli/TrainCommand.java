package ninja.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import ninja.io.AtomicFile;
import ninja.io.Saved;
import ninja.model.Schedule;
import ninja.train.NonFiniteLossException;
import ninja.train.StepListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./ninja train}: the lecture's Exercise 4 with the hand-written backward, then batchnorm calibration, the
 * split losses and 20 samples. Writes DIR/checkpoint.safetensors, DIR/metrics.csv, DIR/loss.png. Never touches DJL.
 * Exit codes: 0 done, 1 the loss diverged, 2 bad input, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (a checkpoint
 * to resume from is written).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the MLP with the manual backward pass (the lecture's Exercise 4), evaluate, sample, save.")
final class TrainCommand extends ModelCommand {
    static final String CHECKPOINT = "checkpoint.safetensors";

    @Mixin
    ThreadsOption threads;

    @Option(names = "--steps", defaultValue = "200000", description = "total steps of the run (default ${DEFAULT-VALUE}); with --resume, where to stop")
    int steps;

    @Option(names = "--lr", description = "learning rate before the decay step (default 0.1)")
    Float lr;

    @Option(names = "--lr-final", description = "learning rate from the decay step on (default --lr / 10)")
    Float lrFinal;

    @Option(names = "--lr-decay-step", description = "first step of the final learning rate (default 100000)")
    Integer lrDecayStep;

    @Option(names = "--eval-every", defaultValue = "10000", description = "val loss every N steps (0: never; default ${DEFAULT-VALUE})")
    int evalEvery;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "write DIR/checkpoint.safetensors every N steps (0: only at the end)")
    int checkpointEvery;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default runs/<timestamp>)")
    Path out;

    @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "continue from a checkpoint; --steps is the run's total")
    Path resume;

    @Option(names = "--samples", defaultValue = "20", description = "names to sample at the end (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--quiet", description = "no progress output, only the results")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        checkFlags();
        TrainingRun run = TrainingRun.start(model, resume, this::schedule);
        if (run.training().step() >= steps) {
            throw new Errors.UserError(resume + ": the checkpoint is at step " + run.training().step()
                    + "; --steps is the run's total, pass more than that");
        }
        Path dir = RunDirs.create(out);
        try (RunLock lock = RunLock.acquire(dir); Interrupts signals = Interrupts.install();
                ninja.tensor.Parallel split = threads.open(run.config())) {   // a resumed run's own shape
            return train(dir, run, signals);
        }
    }

    /** The run itself, with the folder locked and the signals caught. */
    private int train(Path dir, TrainingRun run, Interrupts signals) throws IOException {
        PrintWriter log = output.log();
        Path ckFile = dir.resolve(CHECKPOINT);
        if (Files.exists(ckFile) && (resume == null || !Files.isSameFile(ckFile, resume))) {
            throw new Errors.UserError(dir + " already holds a run (" + CHECKPOINT + "); pass --resume " + ckFile
                    + " to continue it, or another --out");
        }
        AtomicFile.removeStale(ckFile);         // left by a killed run; nobody else writes here while we hold the lock
        int start = run.training().step();
        long t0 = System.nanoTime();
        boolean done;
        Metrics metrics = Metrics.open(dir.resolve("metrics.csv"), start);
        LossPlot.warmUp();
        try (Progress progress = Progress.create(quiet, start, steps, Math.max(1, Math.min(10_000, steps / 20)), log)) {
            if (!quiet) {
                Schedule schedule = run.training().schedule();
                log.printf("training %s, steps %d..%d, lr %s then %s from step %d -> %s%n", run.config().describe(), start,
                        steps - 1, schedule.lr(), schedule.lrFinal(), schedule.decayStep(), dir);
                log.flush();
            }
            done = run.training().run(steps, evalEvery, checkpointEvery, new StepListener<Saved>() {
                @Override
                public void onStep(int step, float rate, float loss) {
                    metrics.step(step, rate, loss);
                    progress.step(step, loss);
                }

                @Override
                public void onEval(int step, float valLoss) {
                    metrics.val(step, valLoss);
                    progress.val(step, valLoss);
                }

                @Override
                public void onCheckpoint(int step, Saved ck) {
                    metrics.flush();
                    write(ck, ckFile);
                }
            }, signals::requested);
        } catch (NonFiniteLossException e) {
            metrics.close();
            throw new NonFiniteLossException(e.step(), e.getMessage() + "; " + (Files.exists(ckFile)
                    ? "the last good checkpoint is unchanged: " + ckFile : "no checkpoint was written"));
        }
        metrics.close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        // written before calibration and evaluation, the steps that need the most memory: the trained model is safe
        Saved ck = run.training().checkpoint();
        write(ck, ckFile);
        // from here on only the saved model is read: a signal now may end the process at once, the checkpoint is whole
        signals.exitAtOnce("stopped; " + ckFile + " holds the model as of the last step");
        if (!done || signals.requested()) {
            LossPlot.write(dir.resolve("loss.png"), metrics);
            return interrupted(ck, ckFile, dir, seconds, signals);
        }
        LossPlot.Drawing plot = LossPlot.start(dir.resolve("loss.png"), metrics);   // drawn meanwhile: it takes longest
        TrainingRun.Finish f = run.finish(samples);
        write(f.checkpoint(), ckFile);
        plot.await();
        done(f, start, seconds, ckFile, dir);
        return Main.OK;
    }

    /** The run is complete: what it reached, where it is, the samples. */
    private void done(TrainingRun.Finish f, int start, double seconds, Path ckFile, Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("seconds", seconds);
        m.put("train", f.train());
        m.put("val", f.val());
        m.put("checkpoint", ckFile.toString());
        m.put("names", f.names());
        output.print(m, o -> {
            o.printf("steps       %d to %d in %.1f s (%.0f steps/s)%n", start, steps - 1, seconds,
                    (steps - start) / seconds);
            o.printf("train       %.4f   (%s)%n", f.train(), f.trainNote());
            o.printf("val         %.4f%n", f.val());
            o.printf("checkpoint  %s%n", ckFile);
            o.printf("metrics     %s%n", dir.resolve("metrics.csv"));
            o.printf("plot        %s%n", dir.resolve("loss.png"));
            if (!f.names().isEmpty()) {
                o.printf("samples (%s):%n", f.samplesNote());
                f.names().forEach(n -> o.println("  " + n));
            }
        });
    }

    /** A signal stopped the run: the checkpoint is written; say how to go on, exit 128 + the signal. */
    private int interrupted(Saved ck, Path ckFile, Path dir, double seconds, Interrupts signals) {
        String how = ck.step() < steps ? resumeCommand(ckFile, dir) : null;
        PrintWriter stdout = output.out();
        if (output.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("interrupted", true);
            m.put("signal", signals.signalName());
            m.put("steps", ck.step());
            m.put("seconds", seconds);
            m.put("checkpoint", ckFile.toString());
            m.put("resume", how);
            Json.print(stdout, m);
        } else if (how != null) {
            stdout.printf("interrupted (%s) after step %d; checkpoint written to %s%nresume with: %s%n",
                    signals.signalName(), ck.step() - 1, ckFile, how);
        } else {
            stdout.printf("interrupted (%s) after the last step, before calibration; checkpoint (running batchnorm"
                    + " statistics) written to %s%n", signals.signalName(), ckFile);
        }
        stdout.flush();
        return signals.exitCode();
    }

    /** The command that continues this run exactly: same folder, data and flags, absolute paths. */
    String resumeCommand(Path ckFile, Path dir) {
        StringBuilder sb = new StringBuilder(Shell.quote(System.getProperty("ninja.launcher", "ninja")));
        sb.append(" train --resume ").append(Shell.quote(ckFile.toAbsolutePath().toString()))
                .append(" --out ").append(Shell.quote(dir.toAbsolutePath().toString()))
                .append(" --steps ").append(steps)
                .append(" --eval-every ").append(evalEvery)
                .append(" --checkpoint-every ").append(checkpointEvery)
                .append(" --samples ").append(samples);
        if (model.data != null) {
            sb.append(" --data ").append(Shell.quote(model.data.toAbsolutePath().toString()));
        }
        if (quiet) {
            sb.append(" --quiet");
        }
        if (output.json) {
            sb.append(" --json");
        }
        return sb.toString();
    }

    private void checkFlags() {
        if (steps < 1) {
            throw new Errors.UserError("--steps must be at least 1, got " + steps);
        }
        if (evalEvery < 0 || checkpointEvery < 0 || samples < 0) {
            throw new Errors.UserError("--eval-every, --checkpoint-every and --samples must not be negative");
        }
    }

    /** The model's schedule with the --lr flags applied. */
    private Schedule schedule(Schedule base) {
        float first = lr != null ? lr : base.lr();
        float last = lrFinal != null ? lrFinal : lr != null ? (float) (lr.doubleValue() / 10) : base.lrFinal();
        int decay = lrDecayStep != null ? lrDecayStep : base.decayStep();
        try {
            return new Schedule(first, last, decay);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError("--lr/--lr-final/--lr-decay-step: " + e.getMessage());
        }
    }
    private static void write(Saved ck, Path file) {
        try {
            ck.write(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot write the checkpoint: " + e.getMessage(), e);
        }
    }
}
