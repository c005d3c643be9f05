package ninja.cli;

import java.util.function.BooleanSupplier;
import ninja.data.Splits;
import ninja.io.Checkpoint;
import ninja.io.Saved;
import ninja.model.Config;
import ninja.rng.TorchGenerator;
import ninja.train.Evaluation;
import ninja.train.Sampler;
import ninja.train.Trainer;

/** The notebook's MLP for {@code ./ninja train}: the lecture's Exercise 4, then batchnorm calibration. */
final class MlpRun implements TrainingRun {
    private final Config cfg;
    private final Splits splits;
    private final Trainer trainer;

    MlpRun(Config cfg, Splits splits, Trainer trainer) {
        this.cfg = cfg;
        this.splits = splits;
        this.trainer = trainer;
    }

    @Override
    public String describe() {
        return String.format("%s (n_embd %d, n_hidden %d, block %d, batch %d, seed %d)", cfg.name(), cfg.nEmbd(),
                cfg.nHidden(), cfg.blockSize(), cfg.batchSize(), cfg.seed());
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
        Checkpoint ck = trainer.calibrated();
        return new Finish(ck, Evaluation.loss(ck.params(), splits.train()), Evaluation.loss(ck.params(), splits.val()),
                new Sampler(ck.params(), splits.vocab()).sample(samples, new TorchGenerator(Sampler.DEFAULT_SEED)),
                "batchnorm calibrated on the training set", "seed " + Sampler.DEFAULT_SEED);
    }
}
