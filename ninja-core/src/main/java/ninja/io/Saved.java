package ninja.io;

import java.io.IOException;
import java.nio.file.Path;
import ninja.data.Vocabulary;
import ninja.model.ModelConfig;
import ninja.nn.Sequential;
import ninja.rng.TorchGenerator;

/**
 * A model's whole state at a step, written as one safetensors file: {@link Checkpoint} (the notebook's MLP) or
 * {@link WaveNetCheckpoint} (part 5). What eval and sample need is the same for both: the configuration, the
 * vocabulary and the model as layers.
 */
public interface Saved {
    /** The number of steps trained. */
    int step();

    ModelConfig config();

    /** The characters the model was trained on, in index order. */
    Vocabulary vocab();

    /** The model as layers over this checkpoint's tensors, as evaluation and sampling run it (eval mode). */
    Sequential layers();

    /** The state of the generator the batches came from, after the last one drawn. */
    long[] generator();

    /** That generator, restored: a resumed run draws the batches a straight run would have drawn next. */
    default TorchGenerator restoredGenerator() {
        TorchGenerator g = new TorchGenerator(config().seed());
        g.setState(generator());
        return g;
    }

    /** Writes the file atomically (temporary file, fsync, rename). */
    void write(Path path) throws IOException;

    /** The vocabulary the data gives must be the one the model was trained with. */
    default void checkVocabulary(Path path, Vocabulary fromData, String dataSource) {
        if (!vocab().equals(fromData)) {
            throw new CheckpointException(path, "vocabulary mismatch: the checkpoint has " + vocab().size()
                    + " characters \"" + vocab().chars() + "\" but " + dataSource + " gives " + fromData.size()
                    + " \"" + fromData.chars() + "\"");
        }
    }

    /** Either kind of checkpoint, told apart by its metadata; one clear {@link CheckpointException} if it is neither. */
    static Saved read(Path path) {
        Safetensors.Contents c = Safetensors.read(path);
        return WaveNetCheckpoint.isWaveNet(c) ? WaveNetCheckpoint.read(path, c) : Checkpoint.read(path, c);
    }
}
