package ninja.cli;

import java.util.function.BooleanSupplier;
import ninja.data.Splits;
import ninja.io.Saved;
import ninja.io.WaveNetCheckpoint;
import ninja.model.WaveNetConfig;
import ninja.train.SequentialEval;
import ninja.train.WaveNetTrainer;

/**
 * makemore part 5's WaveNet for {@code ./ninja train}: the notebook's loop with every layer's hand-written backward,
 * then its split losses (eval mode, running statistics) and 20 samples from the generator where training left it.
 */
final class WaveNetRun implements TrainingRun {
    private final WaveNetConfig cfg;
    private final Splits splits;
    private final WaveNetTrainer trainer;

    WaveNetRun(WaveNetConfig cfg, Splits splits, WaveNetTrainer trainer) {
        this.cfg = cfg;
        this.splits = splits;
        this.trainer = trainer;
    }

    @Override
    public String describe() {
        return WaveNetCommands.describe(cfg);
    }

    @Override
    public int step() {
        return trainer.step();
    }

    @Override
    public boolean run(int steps, int evalEvery, int checkpointEvery, Listener l, BooleanSupplier stop) {
        return trainer.run(steps, evalEvery, checkpointEvery, l, stop);
    }

    @Override
    public Saved checkpoint() {
        return trainer.checkpoint();
    }

    @Override
    public Finish finish(int samples) {
        WaveNetCheckpoint ck = trainer.checkpoint();
        return new Finish(ck, SequentialEval.loss(ck.model(), splits.train()), SequentialEval.loss(ck.model(), splits.val()),
                SequentialEval.sample(ck.model(), splits.vocab(), cfg.blockSize(), samples, trainer.generator()),
                "batchnorm in eval mode: running statistics", "the generator after training, as the notebook");
    }
}
