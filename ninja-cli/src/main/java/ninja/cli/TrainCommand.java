package ninja.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.data.Names;
import ninja.data.Splits;
import ninja.io.AtomicFile;
import ninja.io.Checkpoint;
import ninja.model.Config;
import ninja.rng.TorchGenerator;
import ninja.train.Evaluation;
import ninja.train.NonFiniteLossException;
import ninja.train.Sampler;
import ninja.train.Schedule;
import ninja.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ./ninja train}: the lecture's Exercise 4 with the hand-written backward, then batchnorm calibration, the
 * split losses and 20 samples. Writes DIR/checkpoint.safetensors, DIR/metrics.csv, DIR/loss.png. Never touches DJL.
 * Exit codes: 0 done, 1 the loss diverged, 2 bad input, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (a checkpoint
 * to resume from is written).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the MLP with the manual backward pass (the lecture's Exercise 4), evaluate, sample, save.")
final class TrainCommand implements Callable<Integer> {
    static final String CHECKPOINT = "checkpoint.safetensors";

    @Mixin
    ModelOptions model;

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

    @Option(names = "--json", description = "print one JSON object {\"steps\",\"seconds\",\"train\",\"val\",\"checkpoint\",\"names\"}")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter log = json ? err : stdout;
        checkFlags();
        Names names = model.names();
        Checkpoint from = resume == null ? null : CheckpointOptions.load(resume, model, spec.commandLine().getParseResult());
        Config cfg = from == null ? model.config() : from.config();
        Splits splits = from == null ? Splits.of(names, cfg.blockSize()) : CheckpointOptions.splits(resume, from, names);
        splits.requireNonEmpty(names.source());
        MemoryCheck.forTraining(cfg, splits.vocab().size());
        Schedule schedule = schedule(from == null ? Schedule.LECTURE : from.schedule());
        if (from != null && from.step() >= steps) {
            throw new Errors.UserError(resume + ": the checkpoint is at step " + from.step()
                    + "; --steps is the run's total, pass more than that");
        }
        Path dir = RunDirs.create(out);
        try (RunLock lock = RunLock.acquire(dir); Interrupts signals = Interrupts.install()) {
            return train(dir, from, cfg, splits, schedule, signals, stdout, err, log);
        }
    }

    /** The run itself, with the folder locked and the signals caught. */
    private int train(Path dir, Checkpoint from, Config cfg, Splits splits, Schedule schedule, Interrupts signals,
            PrintWriter stdout, PrintWriter err, PrintWriter log) throws IOException {
        Path ckFile = dir.resolve(CHECKPOINT);
        if (Files.exists(ckFile) && (resume == null || !Files.isSameFile(ckFile, resume))) {
            throw new Errors.UserError(dir + " already holds a run (" + CHECKPOINT + "); pass --resume " + ckFile
                    + " to continue it, or another --out");
        }
        AtomicFile.removeStale(ckFile);         // left by a killed run; nobody else writes here while we hold the lock
        Trainer trainer = from == null ? Trainer.fresh(cfg, splits, schedule) : Trainer.resume(from, splits, schedule);
        int start = trainer.step();
        long t0 = System.nanoTime();
        boolean done;
        Metrics metrics = Metrics.open(dir.resolve("metrics.csv"), start);
        try (Progress progress = Progress.create(quiet, start, steps, Math.max(1, Math.min(10_000, steps / 20)), log)) {
            if (!quiet) {
                log.printf("training %s (n_embd %d, n_hidden %d, block %d, batch %d, seed %d), steps %d..%d, lr %s then %s from step %d -> %s%n",
                        cfg.name(), cfg.nEmbd(), cfg.nHidden(), cfg.blockSize(), cfg.batchSize(), cfg.seed(), start,
                        steps - 1, schedule.lr(), schedule.lrFinal(), schedule.decayStep(), dir);
                log.flush();
            }
            done = trainer.run(steps, evalEvery, checkpointEvery, new Trainer.Listener() {
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
                public void onCheckpoint(int step, Checkpoint ck) {
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
        Checkpoint ck = trainer.checkpoint();
        write(ck, ckFile);
        // from here on only the saved model is read: a signal now may end the process at once, the checkpoint is whole
        signals.exitAtOnce("stopped; " + ckFile + " holds the model as of the last step");
        if (!done || signals.requested()) {
            LossPlot.write(dir.resolve("loss.png"), metrics);
            return interrupted(ck, ckFile, dir, seconds, signals, stdout);
        }
        ck = trainer.calibrated();
        write(ck, ckFile);
        LossPlot.write(dir.resolve("loss.png"), metrics);
        double train = Evaluation.loss(ck.params(), splits.train());
        double val = Evaluation.loss(ck.params(), splits.val());
        List<String> names20 = new Sampler(ck.params(), splits.vocab()).sample(samples,
                new TorchGenerator(Sampler.DEFAULT_SEED));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", steps);
            m.put("seconds", seconds);
            m.put("train", (double) train);
            m.put("val", (double) val);
            m.put("checkpoint", ckFile.toString());
            m.put("names", names20);
            Json.print(stdout, m);
        } else {
            stdout.printf("steps       %d to %d in %.1f s (%.0f steps/s)%n", start, steps - 1, seconds,
                    (steps - start) / seconds);
            stdout.printf("train       %.4f   (batchnorm calibrated on the training set)%n", train);
            stdout.printf("val         %.4f%n", val);
            stdout.printf("checkpoint  %s%n", ckFile);
            stdout.printf("metrics     %s%n", dir.resolve("metrics.csv"));
            stdout.printf("plot        %s%n", dir.resolve("loss.png"));
            if (!names20.isEmpty()) {
                stdout.printf("samples (seed %d):%n", Sampler.DEFAULT_SEED);
                names20.forEach(n -> stdout.println("  " + n));
            }
            stdout.flush();
        }
        return Main.OK;
    }

    /** A signal stopped the run: the checkpoint is written; say how to go on, exit 128 + the signal. */
    private int interrupted(Checkpoint ck, Path ckFile, Path dir, double seconds, Interrupts signals, PrintWriter stdout) {
        String how = ck.step() < steps ? resumeCommand(ckFile, dir) : null;
        if (json) {
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
        if (json) {
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

    private static void write(Checkpoint ck, Path file) {
        try {
            ck.write(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot write the checkpoint: " + e.getMessage(), e);
        }
    }
}
