package ninja.cli;

import java.util.List;
import java.util.function.IntFunction;
import ninja.io.Saved;
import ninja.train.Training;

/**
 * What {@code ./ninja train} needs of a model, whichever it is (the notebook's MLP or makemore part 5's WaveNet): its
 * configuration in one line, its training, and how the lecture ends it. The command owns the folder, the lock, the
 * signals, the metrics and the output; the run owns the model.
 *
 * @param describe the configuration, e.g. {@code notebook (n_embd 10, n_hidden 200, block 3, batch 32, seed ...)}
 * @param training the trainer, fresh or resumed
 * @param finish after the last step, given the number of samples: the model to keep (the MLP calibrates its
 *     batchnorm first), its train and val losses and the samples
 */
record TrainingRun(String describe, Training<? extends Saved> training, IntFunction<Finish> finish) {

    record Finish(Saved checkpoint, double train, double val, List<String> names, String trainNote, String samplesNote) {
    }
}
