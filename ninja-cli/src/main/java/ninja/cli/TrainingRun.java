package ninja.cli;

import java.util.List;
import java.util.function.BooleanSupplier;
import ninja.io.Saved;
import ninja.train.StepListener;

/**
 * What {@code ./ninja train} needs of a model, whichever it is: the notebook's MLP ({@link MlpRun}) or makemore
 * part 5's WaveNet ({@link WaveNetRun}). The command owns the folder, the lock, the signals, the metrics and the
 * output; the run owns the model.
 */
interface TrainingRun {
    /** The configuration in one line, e.g. {@code notebook (n_embd 10, n_hidden 200, block 3, batch 32, seed 2147483647)}. */
    String describe();

    /** The next step to run (0, or the resumed checkpoint's). */
    int step();

    /** Trains until {@code steps} or {@code stop}; true when all steps ran. Throws at divergence. */
    boolean run(int steps, int evalEvery, int checkpointEvery, Listener l, BooleanSupplier stop);

    /** The state now, to resume from. */
    Saved checkpoint();

    /**
     * After the last step: the model to keep (the MLP calibrates its batchnorm first), its train and val losses
     * and {@code samples} names, as the lecture ends.
     */
    Finish finish(int samples);

    record Finish(Saved checkpoint, double train, double val, List<String> names, String trainNote, String samplesNote) {
    }

    /** What the loop reports: one listener for both trainers, their checkpoints being {@link Saved}. */
    interface Listener extends StepListener<Saved> {
    }
}
