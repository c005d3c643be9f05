package ninja.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import ninja.data.DataException;

/** Maps what went wrong to a one-line message and an exit code. */
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
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }
}
