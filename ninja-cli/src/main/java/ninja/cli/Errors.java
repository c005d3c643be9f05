package ninja.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import ninja.data.DataException;
import ninja.train.MemoryNeeds;

/** Maps what went wrong to a one-line message (no Java class names) and an exit code. */
final class Errors {
    private Errors() {
    }

    /** Bad input the user can fix: exit 2. */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message);
        }

        UserError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof ninja.check.ReferenceUnavailable) {
            return Main.REFERENCE_UNAVAILABLE;
        }
        if (ex instanceof UserError || ex instanceof DataException || ex instanceof IllegalArgumentException
                || ex instanceof IOException || ex instanceof UncheckedIOException) {
            return Main.BAD_INPUT;
        }
        return 1;
    }

    static String message(Throwable ex) {
        if (ex instanceof UserError || ex instanceof DataException || ex instanceof IllegalArgumentException
                || ex instanceof ninja.train.NonFiniteLossException || ex instanceof ninja.check.ReferenceUnavailable) {
            return ex.getMessage();
        }
        if (ex instanceof UncheckedIOException u) {
            // our own wrappers name the file in their message; a bare one names only its cause
            String own = u.getMessage();
            String cause = io(u.getCause());
            return own == null || own.equals(String.valueOf(u.getCause())) ? cause : own;
        }
        if (ex instanceof IOException io) {
            return io(io);
        }
        return ex.getMessage() != null ? ex.getMessage() : "internal error (" + ex.getClass().getSimpleName() + ")";
    }

    /** An I/O failure in words, naming the file where Java knows it. */
    static String io(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + ": already exists";
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "cannot access");
        }
        if (e instanceof CharacterCodingException) {
            return "not valid UTF-8 text";
        }
        return e.getMessage() != null ? e.getMessage() : "input/output error";
    }

    static String outOfMemory() {
        return "out of memory (the Java heap's maximum is " + MemoryNeeds.gb(Runtime.getRuntime().maxMemory())
                + "): use smaller sizes, or a larger heap (NINJA_JAVA_OPTS=-Xmx...)";
    }

    /** The one JSON object of a failed command under --json. */
    static Map<String, Object> json(String message, int code) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message != null ? message : "failed with exit code " + code + " (see stderr)");
        m.put("exit", code);
        return m;
    }
}
