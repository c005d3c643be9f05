package ninja.train;

/** Training diverged: a loss (or a parameter about to be saved) is NaN or infinite, or far above where it began. */
public class NonFiniteLossException extends RuntimeException {
    private final int step;

    public NonFiniteLossException(int step, String message) {
        super(message);
        this.step = step;
    }

    /** The 0-based step at which it was detected. */
    public int step() {
        return step;
    }
}
