package ninja.io;

import java.nio.file.Path;
import ninja.data.DataException;

/** A checkpoint that cannot be used: the message names the file and what is wrong with it. */
public class CheckpointException extends DataException {
    public CheckpointException(Path file, String what) {
        super(file + ": " + what);
    }

    public CheckpointException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
    }
}
