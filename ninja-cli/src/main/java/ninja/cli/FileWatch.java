package ninja.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Waits for a file to be saved with new content, by polling its modification time and size (cheap, and it works
 * on every file system and with editors that save by renaming, where a WatchService on the directory may miss
 * or double the event); a change is taken once the file has stayed the same for one more poll (the save is
 * finished), and only if its bytes differ from the last seen (a touch is no save).
 */
final class FileWatch {
    static final long POLL_MS = 20;

    private final Path file;
    private Object stamp;
    private byte[] hash;

    FileWatch(Path file) {
        this.file = file;
        this.stamp = stamp();
    }

    /** Remembers {@code content} as the version seen last. */
    void seen(byte[] content) {
        hash = sha256(content);
    }

    /**
     * Blocks until the file holds new content and returns it, or returns null once {@code stop} says so (checked
     * every poll).
     */
    byte[] next(BooleanSupplier stop) throws InterruptedException {
        while (!stop.getAsBoolean()) {
            Thread.sleep(POLL_MS);
            Object now = stamp();
            if (now == null || now.equals(stamp)) {
                continue;
            }
            Thread.sleep(POLL_MS);
            if (!now.equals(stamp())) {
                continue; // still being written: look again at the next poll
            }
            stamp = now;
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                continue;
            }
            if (!Arrays.equals(sha256(content), hash)) {
                return content;
            }
        }
        return null;
    }

    /** The file's modification time and size, or null while it does not exist (between an editor's rename steps). */
    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** The content's SHA-256 in hex (how a restarted watch knows the content not to grade again). */
    static String hex(byte[] content) {
        return java.util.HexFormat.of().formatHex(sha256(content));
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
