package ninja.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import ninja.data.Names;
import ninja.data.Splits;
import ninja.io.Checkpoint;
import ninja.io.Saved;
import ninja.io.WaveNetCheckpoint;
import ninja.model.Config;
import ninja.model.ModelConfig;
import ninja.model.Schedule;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.rng.TorchGenerator;
import ninja.train.Sampler;
import ninja.train.SequentialEval;
import ninja.train.Trainer;
import ninja.train.Training;
import ninja.train.WaveNetTrainer;

/**
 * What {@code ./ninja train} needs of a model, whichever it is (the notebook's MLP or makemore part 5's WaveNet): its
 * configuration, its data, its training (fresh or resumed) and how the lecture ends it. The command owns the folder,
 * the lock, the signals, the metrics and the output; the run owns the model.
 *
 * @param ending what happens after the last step: which model is kept, which generator the samples come from
 */
record TrainingRun(ModelConfig config, Splits splits, Training<? extends Saved> training, Ending ending) {

    /**
     * How a lecture ends its run: the model to keep (the MLP calibrates its batchnorm over the training set first),
     * the generator to sample from, and a word on each for the output.
     */
    record Ending(Supplier<Saved> model, Supplier<TorchGenerator> sampler, String trainNote, String samplesNote) {
    }

    /** The kept model, its train and val losses and the samples. */
    record Finish(Saved checkpoint, double train, double val, List<String> names, String trainNote, String samplesNote) {
    }

    /**
     * The run the flags ask for: from {@code resume} when given (the checkpoint decides the model, the flags must
     * agree), else fresh; {@code schedule} applies the --lr flags to the model's own schedule. Refuses, before any
     * step, data without examples and a model the heap cannot hold.
     */
    static TrainingRun start(ModelOptions model, Path resume, UnaryOperator<Schedule> schedule) {
        Names names = model.names();
        Saved from = resume == null ? null : model.load(resume);
        ModelConfig cfg = from == null ? model.chosen() : from.config();
        Splits splits = from == null ? Splits.of(names, cfg.blockSize()) : model.splits(resume, from, names);
        splits.requireNonEmpty(names.source());
        MemoryCheck.forTraining(cfg, splits.vocab().size());
        if (cfg instanceof WaveNetConfig w) {
            WaveNetTrainer t = from instanceof WaveNetCheckpoint ck
                    ? WaveNetTrainer.resume(ck, splits, schedule.apply(ck.schedule()))
                    : WaveNetTrainer.fresh(w, splits, schedule.apply(Schedule.WAVENET));
            // the notebook samples from torch's default generator, right where the training batches left it
            return new TrainingRun(cfg, splits, t, new Ending(t::checkpoint, t::generator,
                    "batchnorm in eval mode: running statistics", "the generator after training, as the notebook"));
        }
        Trainer t = from instanceof Checkpoint ck ? Trainer.resume(ck, splits, schedule.apply(ck.schedule()))
                : Trainer.fresh((Config) cfg, splits, schedule.apply(Schedule.LECTURE));
        return new TrainingRun(cfg, splits, t, new Ending(t::calibrated,
                () -> new TorchGenerator(Sampler.DEFAULT_SEED), "batchnorm calibrated on the training set",
                "seed " + Sampler.DEFAULT_SEED));
    }

    /** After the last step: the model kept, evaluated on train and val, and {@code count} names sampled from it. */
    Finish finish(int count) {
        Saved ck = ending.model().get();
        Sequential layers = ck.layers();
        return new Finish(ck, SequentialEval.loss(layers, splits.train()), SequentialEval.loss(layers, splits.val()),
                SequentialEval.sample(layers, splits.vocab(), config.blockSize(), count, ending.sampler().get()),
                ending.trainNote(), ending.samplesNote());
    }
}
