package ninja.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * An input file must be a regular file: a directory, a device such as /dev/null or a FIFO is named as what it is
 * (a FIFO would otherwise block the reader forever).
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** Returns {@code p} if it is a regular file; otherwise throws naming what it is ({@code how}: where it came from). */
    public static Path requireRegular(Path p, String how) {
        String kind = kind(p);
        if (kind != null) {
            throw new DataException(p + ": " + kind + (how == null || how.isEmpty() ? "" : " (" + how + ")"));
        }
        return p;
    }

    /** Null for a regular file, else a description: "no such file", "a directory, not a file", ... */
    public static String kind(Path p) {
        if (Files.isRegularFile(p)) {
            return null;
        }
        if (!Files.exists(p)) {
            return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "a broken symbolic link" : "no such file";
        }
        if (Files.isDirectory(p)) {
            return "a directory, not a file";
        }
        try {
            int type = ((Integer) Files.getAttribute(p, "unix:mode")) & 0170000;
            return switch (type) {
                case 0010000 -> "a FIFO (named pipe), not a regular file";
                case 0020000 -> "a character device, not a regular file";
                case 0060000 -> "a block device, not a regular file";
                case 0140000 -> "a socket, not a regular file";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "not a regular file";
        }
    }
}
