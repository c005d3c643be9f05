package ninja.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import ninja.data.Names;
import ninja.data.Splits;
import ninja.io.WaveNetCheckpoint;
import ninja.model.WaveNetConfig;
import ninja.train.NonFiniteLossException;
import ninja.train.Schedule;
import ninja.train.SequentialEval;
import ninja.train.WaveNetTrainer;

/**
 * {@code ./ninja train --config wavenet}: makemore part 5's loop with every layer's hand-written backward, then the
 * notebook's split losses (eval mode, running statistics) and 20 samples from the generator where training left it.
 * Same flags, files and exit codes as the MLP's {@link TrainCommand}.
 */
final class WaveNetTraining {
    private final TrainCommand c;

    WaveNetTraining(TrainCommand c) {
        this.c = c;
    }

    int call() throws IOException {
        PrintWriter stdout = c.spec.commandLine().getOut();
        PrintWriter err = c.spec.commandLine().getErr();
        PrintWriter log = c.json ? err : stdout;
        Names names = c.model.names();
        WaveNetCheckpoint from = c.resume == null ? null
                : WaveNetCommands.load(c.resume, c.model, c.spec.commandLine().getParseResult());
        WaveNetConfig cfg = from == null ? c.model.waveNetConfig() : from.config();
        Splits splits = from == null ? Splits.of(names, cfg.blockSize()) : WaveNetCommands.splits(c.resume, from, names);
        Schedule schedule = c.schedule(from == null ? Schedule.WAVENET : from.schedule());
        if (from != null && from.step() >= c.steps) {
            throw new Errors.UserError(c.resume + ": the checkpoint is at step " + from.step()
                    + "; --steps is the run's total, pass more than that");
        }
        Path dir = c.outDir();
        Path ckFile = dir.resolve(TrainCommand.CHECKPOINT);
        if (Files.exists(ckFile) && (c.resume == null || !Files.isSameFile(ckFile, c.resume))) {
            throw new Errors.UserError(dir + " already holds a run (" + TrainCommand.CHECKPOINT + "); pass --resume "
                    + ckFile + " to continue it, or another --out");
        }
        Files.createDirectories(dir);

        WaveNetTrainer trainer = from == null ? WaveNetTrainer.fresh(cfg, splits, schedule)
                : WaveNetTrainer.resume(from, splits, schedule);
        int start = trainer.step();
        AtomicBoolean stop = new AtomicBoolean();
        long t0 = System.nanoTime();
        boolean done;
        Metrics metrics = Metrics.open(dir.resolve("metrics.csv"), start);
        try (Interrupts ignored = Interrupts.install(stop);
                Progress progress = Progress.create(c.quiet, start, c.steps, Math.max(1, Math.min(10_000, c.steps / 20)),
                        log)) {
            if (!c.quiet) {
                log.printf("training %s, steps %d..%d, lr %s then %s from step %d -> %s%n", WaveNetCommands.describe(cfg),
                        start, c.steps - 1, schedule.lr(), schedule.lrFinal(), schedule.decayStep(), dir);
                log.flush();
            }
            done = trainer.run(c.steps, c.evalEvery, c.checkpointEvery, new WaveNetTrainer.Listener() {
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
                public void onCheckpoint(int step, WaveNetCheckpoint ck) {
                    metrics.flush();
                    write(ck, ckFile);
                }
            }, stop::get);
        } catch (NonFiniteLossException e) {
            metrics.close();
            err.println("ninja: error: " + e.getMessage());
            err.println(Files.exists(ckFile) ? "the last good checkpoint is unchanged: " + ckFile : "no checkpoint was written");
            err.flush();
            return Main.CHECK_FAILED;
        }
        metrics.close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        WaveNetCheckpoint ck = trainer.checkpoint();
        write(ck, ckFile);
        LossPlot.write(dir.resolve("loss.png"), metrics);
        if (!done) {
            String how = "./ninja train --config wavenet --resume " + ckFile + " --out " + dir + " --steps " + c.steps;
            if (c.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("interrupted", true);
                m.put("steps", ck.step());
                m.put("seconds", seconds);
                m.put("checkpoint", ckFile.toString());
                m.put("resume", how);
                Json.print(stdout, m);
            } else {
                stdout.printf("interrupted after step %d; checkpoint written to %s%nresume with: %s%n", ck.step() - 1,
                        ckFile, how);
                stdout.flush();
            }
            return Main.INTERRUPTED;
        }
        double train = SequentialEval.loss(ck.model(), splits.train());
        double val = SequentialEval.loss(ck.model(), splits.val());
        // the notebook samples from torch's default generator, right where the training batches left it
        List<String> drawn = SequentialEval.sample(ck.model(), splits.vocab(), cfg.blockSize(), c.samples,
                trainer.generator());
        if (c.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", c.steps);
            m.put("seconds", seconds);
            m.put("train", train);
            m.put("val", val);
            m.put("checkpoint", ckFile.toString());
            m.put("names", drawn);
            Json.print(stdout, m);
        } else {
            stdout.printf("steps       %d to %d in %.1f s (%.0f steps/s)%n", start, c.steps - 1, seconds,
                    (c.steps - start) / seconds);
            stdout.printf("train       %.4f   (batchnorm in eval mode: running statistics)%n", train);
            stdout.printf("val         %.4f%n", val);
            stdout.printf("checkpoint  %s%n", ckFile);
            stdout.printf("metrics     %s%n", dir.resolve("metrics.csv"));
            stdout.printf("plot        %s%n", dir.resolve("loss.png"));
            if (!drawn.isEmpty()) {
                stdout.println("samples (the generator after training, as the notebook):");
                drawn.forEach(n -> stdout.println("  " + n));
            }
            stdout.flush();
        }
        return Main.OK;
    }

    private static void write(WaveNetCheckpoint ck, Path file) {
        try {
            ck.write(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot write the checkpoint: " + e.getMessage(), e);
        }
    }
}
