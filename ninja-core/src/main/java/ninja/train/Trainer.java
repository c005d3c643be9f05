package ninja.train;

import java.util.function.DoubleSupplier;
import ninja.data.Splits;
import ninja.io.Checkpoint;
import ninja.model.Config;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.model.Schedule;
import ninja.model.Start;
import ninja.nn.Sequential;
import ninja.rng.TorchGenerator;

/**
 * The lecture's Exercise 4 loop with the hand-written backward:
 * <pre>
 * g = torch.Generator().manual_seed(seed); parameters = init(g)
 * for i in range(max_steps):
 *     ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)     # the same batches as the notebook
 *     loss = forward, manual backward, p += -lr * grad                      (the fused step over Mlp.layers)
 *     lr = 0.1 if i < 100000 else 0.01
 * </pre>
 * The loop itself is {@link SgdTraining}'s, shared with the WaveNet.
 * All state needed to continue (parameters, running batchnorm statistics, generator, step) is in a
 * {@link Checkpoint}, so an interrupted or resumed run draws the same batches and ends bit for bit where a straight
 * run would.
 */
public final class Trainer extends SgdTraining<Checkpoint> {
    /** What the loop reports; every method has a no-op default. */
    public interface Listener extends StepListener<Checkpoint> {
    }

    private final Config cfg;
    private final Parameters p;

    private Trainer(Config cfg, Splits splits, Parameters p, TorchGenerator g, Schedule schedule, int step) {
        super(splits, g, schedule, cfg.batchSize(), cfg.blockSize(), step);
        this.cfg = cfg;
        this.p = p;
    }

    /** Step 0: the lecture's initialisation from {@code manual_seed(cfg.seed())}. */
    public static Trainer fresh(Config cfg, Splits splits, Schedule schedule) {
        Start<Parameters> s = Start.mlp(cfg, splits);
        return new Trainer(cfg, splits, s.model(), s.generator(), schedule, 0);
    }

    /** Continues from a checkpoint (its running batchnorm statistics and generator state). */
    public static Trainer resume(Checkpoint ck, Splits splits, Schedule schedule) {
        return new Trainer(ck.config(), splits, ck.forTraining(), ck.restoredGenerator(), schedule, ck.step());
    }

    public Parameters parameters() {
        return p;
    }

    @Override
    Sequential layers() {
        return Mlp.layers(p);
    }

    @Override
    double valLoss() {
        return Evaluation.loss(p, splits.val());
    }

    @Override
    DoubleSupplier valLossOfCopy() {
        Parameters copy = p.copy();
        return () -> Evaluation.loss(copy, splits.val(), false);
    }

    @Override
    Checkpoint snapshot() {
        return checkpoint();
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
}
