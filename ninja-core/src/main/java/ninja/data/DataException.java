package ninja.data;

/** Bad input data: the message names the file and, where it applies, the line and column. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
