package ninja.train;

import java.util.function.BooleanSupplier;
import ninja.data.Splits;
import ninja.io.Checkpoint;
import ninja.model.Batch;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.model.Schedule;
import ninja.rng.TorchGenerator;

/**
 * The lecture's Exercise 4 loop with the hand-written backward:
 * <pre>
 * g = torch.Generator().manual_seed(seed); parameters = init(g)
 * for i in range(max_steps):
 *     ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)     # the same batches as the notebook
 *     loss = forward, manual backward, p += -lr * grad                      (TrainStep)
 *     lr = 0.1 if i < 100000 else 0.01
 * </pre>
 * All state needed to continue (parameters, running batchnorm statistics, generator, step) is in a
 * {@link Checkpoint}, so an interrupted or resumed run draws the same batches and ends bit for bit where a straight
 * run would.
 */
public final class Trainer implements Training<Checkpoint> {
    /** What the loop reports; every method has a no-op default. */
    public interface Listener extends StepListener<Checkpoint> {
    }

    private final Config cfg;
    private final Splits splits;
    private final Parameters p;
    private final TorchGenerator g;
    private final Schedule schedule;
    private int step;

    private Trainer(Config cfg, Splits splits, Parameters p, TorchGenerator g, Schedule schedule, int step) {
        this.cfg = cfg;
        this.splits = splits;
        this.p = p;
        this.g = g;
        this.schedule = schedule;
        this.step = step;
    }

    /** Step 0: the lecture's initialisation from {@code manual_seed(cfg.seed())}. */
    public static Trainer fresh(Config cfg, Splits splits, Schedule schedule) {
        if (splits.train().blockSize() != cfg.blockSize()) {
            throw new IllegalArgumentException("data built for block size " + splits.train().blockSize());
        }
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Parameters p = Parameters.init(cfg, splits.vocab().size(), g);
        return new Trainer(cfg, splits, p, g, schedule, 0);
    }

    /** Continues from a checkpoint (its running batchnorm statistics and generator state). */
    public static Trainer resume(Checkpoint ck, Splits splits, Schedule schedule) {
        TorchGenerator g = new TorchGenerator(ck.config().seed());
        g.setState(ck.generator());
        return new Trainer(ck.config(), splits, ck.forTraining(), g, schedule, ck.step());
    }

    @Override
    public int step() {
        return step;
    }

    public Parameters parameters() {
        return p;
    }

    public Schedule schedule() {
        return schedule;
    }

    /**
     * Trains until {@code totalSteps} steps are done or {@code stop} says so (checked after each step).
     * Returns true when all steps ran. Throws {@link NonFiniteLossException} at the first NaN/inf loss, or when the
     * loss climbs far above where the run began ({@link Divergence}).
     */
    @Override
    public boolean run(int totalSteps, int evalEvery, int checkpointEvery, StepListener<? super Checkpoint> l,
            BooleanSupplier stop) {
        int bs = cfg.batchSize(), block = cfg.blockSize();
        TrainStep ts = new TrainStep(p, bs);
        Batch b = new Batch(new int[bs * block], new int[bs], block);
        int[] ix = new int[bs];
        Divergence divergence = new Divergence(splits.vocab().size());
        Checkpoint pending = null;
        while (step < totalSteps) {
            b.drawInto(splits.train(), g, ix);
            float lr = schedule.at(step);
            float loss = ts.step(b, lr);
            divergence.check(step, loss, lr);
            // The fused cross-entropy stays finite on huge logits (as torch's does), but a diverged batch's
            // variance overflows first: its running statistics are 2 x n_hidden floats, cheap to watch every step.
            if (!allFinite(p.bnmean.data()) || !allFinite(p.bnstd.data())) {
                throw new NonFiniteLossException(step, "the batch statistics overflowed at step " + step + " (loss "
                        + loss + ", lr " + lr + "): training diverged; try a smaller --lr");
            }
            l.onStep(step, lr, loss);
            step++;
            // TrainStep keeps W2 transposed for speed: write it back into p before anything reads p
            if (evalEvery > 0 && step % evalEvery == 0) {
                ts.syncParameters();
                l.onEval(step, (float) Evaluation.loss(p, splits.val()));
            }
            if (pending != null && step - pending.step() >= Divergence.WINDOW) {
                l.onCheckpoint(pending.step(), pending);
                pending = null;
            }
            if (checkpointEvery > 0 && step % checkpointEvery == 0 && step < totalSteps && pending == null) {
                ts.syncParameters();
                pending = checkpoint();
            }
            if (stop.getAsBoolean()) {
                ts.syncParameters();
                return step >= totalSteps;
            }
        }
        ts.syncParameters();
        return true;
    }

    private static boolean allFinite(float[] xs) {
        for (float x : xs) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** The state now, with the running batchnorm statistics (to resume from). */
    @Override
    public Checkpoint checkpoint() {
        checkFinite();
        return new Checkpoint(cfg, splits.vocab(), p.copy(), null, null, step, schedule, g.state());
    }

    /**
     * The lecture's end of training: calibrate batchnorm over the whole training set (see {@link Calibration}).
     * The returned checkpoint evaluates with the calibrated statistics and still resumes from the running ones.
     * This trainer's own parameters are left as they were.
     */
    public Checkpoint calibrated() {
        checkFinite();
        Parameters q = p.copy();
        Calibration.calibrate(q, splits.train());
        return new Checkpoint(cfg, splits.vocab(), q, p.bnmean.copy(), p.bnstd.copy(), step, schedule, g.state());
    }

    /** A checkpoint must never hold a diverged model, even if the last loss seen was finite. */
    private void checkFinite() {
        for (var e : p.byName().entrySet()) {
            for (float x : e.getValue().data()) {
                if (!Float.isFinite(x)) {
                    throw new NonFiniteLossException(step, "parameter " + e.getKey() + " is " + x + " after step " + (step - 1)
                            + ": training diverged; try a smaller --lr");
                }
            }
        }
    }

}
