package ninja.io;

import java.io.IOException;
import java.nio.file.Path;

/** A model's whole state at a step, written as one safetensors file: {@link Checkpoint} or {@link WaveNetCheckpoint}. */
public interface Saved {
    /** The number of steps trained. */
    int step();

    /** Writes the file atomically (temporary file, fsync, rename). */
    void write(Path path) throws IOException;
}
