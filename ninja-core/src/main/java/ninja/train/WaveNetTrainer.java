package ninja.train;

import java.util.function.BooleanSupplier;
import ninja.data.Splits;
import ninja.io.WaveNetCheckpoint;
import ninja.model.Batch;
import ninja.model.Schedule;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.rng.TorchGenerator;

/**
 * makemore part 5's training loop with every layer's hand-written backward:
 * <pre>
 * torch.manual_seed(42); model = Sequential([...])            # the default generator draws the weights
 * for i in range(max_steps):
 *     ix = torch.randint(0, Xtr.shape[0], (batch_size,))       # and then the batches
 *     logits = model(Xb); loss = F.cross_entropy(logits, Yb)
 *     backward; p.data += -lr * p.grad; lr = 0.1 if i < 150000 else 0.01
 * </pre>
 * The model, the running statistics, the generator and the step are all in a {@link WaveNetCheckpoint}, so an
 * interrupted or resumed run ends bit for bit where a straight one would.
 */
public final class WaveNetTrainer implements Training<WaveNetCheckpoint> {
    /** What the loop reports (see {@link StepListener}). */
    public interface Listener extends StepListener<WaveNetCheckpoint> {
    }

    private final WaveNetConfig cfg;
    private final Splits splits;
    private final Sequential model;
    private final TorchGenerator g;
    private final Schedule schedule;
    private int step;

    private WaveNetTrainer(WaveNetConfig cfg, Splits splits, Sequential model, TorchGenerator g, Schedule schedule,
            int step) {
        if (splits.train().blockSize() != cfg.blockSize()) {
            throw new IllegalArgumentException("data built for block size " + splits.train().blockSize()
                    + ", model for " + cfg.blockSize());
        }
        this.cfg = cfg;
        this.splits = splits;
        this.model = model;
        this.g = g;
        this.schedule = schedule;
        this.step = step;
    }

    /** Step 0: {@code torch.manual_seed(seed)}, then the layers draw their weights. */
    public static WaveNetTrainer fresh(WaveNetConfig cfg, Splits splits, Schedule schedule) {
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential model = WaveNet.build(cfg, splits.vocab().size(), g);
        return new WaveNetTrainer(cfg, splits, model, g, schedule, 0);
    }

    public static WaveNetTrainer resume(WaveNetCheckpoint ck, Splits splits, Schedule schedule) {
        TorchGenerator g = new TorchGenerator(ck.config().seed());
        g.setState(ck.generator());
        return new WaveNetTrainer(ck.config(), splits, ck.model(), g, schedule, ck.step());
    }

    @Override
    public int step() {
        return step;
    }

    public Sequential model() {
        return model;
    }

    /** The generator after the last batch drawn: the notebook samples from it next. */
    public TorchGenerator generator() {
        return g;
    }

    /**
     * Trains until {@code totalSteps} steps are done or {@code stop} says so (checked after each step). Returns true
     * when all steps ran. Throws {@link NonFiniteLossException} at the first NaN/inf loss or running statistic.
     */
    @Override
    public boolean run(int totalSteps, int evalEvery, int checkpointEvery,
            StepListener<? super WaveNetCheckpoint> l, BooleanSupplier stop) {
        int bs = cfg.batchSize(), block = cfg.blockSize();
        SequentialStep ts = new SequentialStep(model, bs, block);
        Batch b = new Batch(new int[bs * block], new int[bs], block);
        int[] ix = new int[bs];
        Divergence divergence = new Divergence(splits.vocab().size());
        WaveNetCheckpoint pending = null;
        while (step < totalSteps) {
            b.drawInto(splits.train(), g, ix);
            float lr = schedule.at(step);
            float loss = ts.step(b, lr);
            divergence.check(step, loss, lr);
            l.onStep(step, lr, loss);
            step++;
            // the last Linear's plan keeps its weight transposed: write it back before anything reads the model
            if (evalEvery > 0 && step % evalEvery == 0) {
                ts.syncParameters();
                l.onEval(step, (float) SequentialEval.loss(model, splits.val()));
            }
            // a checkpoint is handed over only after a window of healthy steps: never one from a diverging run
            if (pending != null && step - pending.step() >= Divergence.WINDOW) {
                l.onCheckpoint(pending.step(), pending);
                pending = null;
            }
            if (checkpointEvery > 0 && step % checkpointEvery == 0 && step < totalSteps && pending == null) {
                ts.syncParameters();
                pending = checkpoint().copy();
            }
            if (stop.getAsBoolean()) {
                ts.syncParameters();
                return step >= totalSteps;
            }
        }
        ts.syncParameters();
        return true;
    }

    /** The state now (sharing the live model: write it before training goes on, or {@link WaveNetCheckpoint#copy}). */
    @Override
    public WaveNetCheckpoint checkpoint() {
        for (Param p : model.params()) {
            checkFinite(p);
        }
        for (Param p : model.buffers()) {
            checkFinite(p);
        }
        return new WaveNetCheckpoint(cfg, splits.vocab(), model, step, schedule, g.state());
    }

    private void checkFinite(Param p) {
        for (float x : p.value.data()) {
            if (!Float.isFinite(x)) {
                throw new NonFiniteLossException(step, p.name() + " is " + x + " after step " + (step - 1)
                        + ": training diverged; try a smaller --lr");
            }
        }
    }
}
