package ninja.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file all at once or not at all: the body is written to a temporary file in the same directory,
 * flushed to disk ({@link FileChannel#force}), then renamed over the target with {@code ATOMIC_MOVE} (rename(2)).
 * A crash or an exception mid-write leaves the target as it was and removes the temporary file.
 */
public final class AtomicFile {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFile() {
    }

    /** Writes the file's bytes into the channel. */
    public interface Body {
        void write(FileChannel out) throws IOException;
    }

    public static void write(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // createFile, not createTempFile: the file gets the umask's permissions (createTempFile makes it 0600)
        Path tmp = Files.createFile(dir.resolve("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp"));
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Deletes the temporary files a killed writer of {@code target} left behind ({@code .NAME.<hex>.tmp}); call it
     * only while no other process can be writing {@code target} (under the run's lock). Returns how many went.
     */
    public static int removeStale(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName() + ".";
        int removed = 0;
        try (var entries = Files.newDirectoryStream(dir, e -> {
            String n = e.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp")
                    && n.substring(prefix.length(), n.length() - 4).matches("[0-9a-f]{1,16}");
        })) {
            for (Path p : entries) {
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Makes the rename itself durable; not every platform can open a directory, so this is best effort. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the data is already on disk; only the directory entry's durability is left to the OS
        }
    }
}
