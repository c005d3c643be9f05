package ninja.train;

import java.util.function.DoubleSupplier;
import ninja.data.Splits;
import ninja.io.WaveNetCheckpoint;
import ninja.model.Schedule;
import ninja.model.Start;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.nn.StepBackward;
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
public final class WaveNetTrainer extends SgdTraining<WaveNetCheckpoint> {
    /** What the loop reports (see {@link StepListener}). */
    public interface Listener extends StepListener<WaveNetCheckpoint> {
    }

    private final WaveNetConfig cfg;
    private final Sequential model;

    private WaveNetTrainer(WaveNetConfig cfg, Splits splits, Sequential model, TorchGenerator g, Schedule schedule,
            int step) {
        super(splits, g, schedule, cfg.batchSize(), cfg.blockSize(), step);
        this.cfg = cfg;
        this.model = model;
    }

    /** Step 0: {@code torch.manual_seed(seed)}, then the layers draw their weights. */
    public static WaveNetTrainer fresh(WaveNetConfig cfg, Splits splits, Schedule schedule) {
        Start<Sequential> s = Start.wavenet(cfg, splits);
        return new WaveNetTrainer(cfg, splits, s.model(), s.generator(), schedule, 0);
    }

    public static WaveNetTrainer resume(WaveNetCheckpoint ck, Splits splits, Schedule schedule) {
        return new WaveNetTrainer(ck.config(), splits, ck.model(), ck.restoredGenerator(), schedule, ck.step());
    }

    /** Trains with the gradients from {@code b} (Exercise 5: the learner's backward) instead of the layers' own. */
    public WaveNetTrainer backward(StepBackward b) {
        this.backward = b;
        return this;
    }

    public Sequential model() {
        return model;
    }

    /** The generator after the last batch drawn: the notebook samples from it next. */
    public TorchGenerator generator() {
        return g;
    }

    @Override
    Sequential layers() {
        return model;
    }

    @Override
    double valLoss() {
        return SequentialEval.loss(model, splits.val());
    }

    @Override
    DoubleSupplier valLossOfCopy() {
        Sequential copy = snapshot().layers();
        return () -> SequentialEval.loss(copy, splits.val(), false);
    }

    @Override
    WaveNetCheckpoint snapshot() {
        return checkpoint().copy();
    }

    /** The state now (sharing the live model: write it before training goes on, or {@link WaveNetCheckpoint#copy}). */
    @Override
    public WaveNetCheckpoint checkpoint() {
        checkFinite();
        return new WaveNetCheckpoint(cfg, splits.vocab(), model, step, schedule, g.state());
    }
}
