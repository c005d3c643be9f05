package ninja.train;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Work on a daemon thread of its own (a val loss beside the training steps, a chart beside the final evaluation),
 * waited for without being interruptible: a signal's interrupt stays set for the caller to see afterwards.
 *
 * @param <T> the work's result
 */
public final class Background<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final String name;

    private Background(String name) {
        this.name = name;
    }

    /** Starts {@code work} on a new daemon thread named {@code name}. */
    public static <T> Background<T> start(String name, Callable<T> work) {
        Background<T> b = new Background<>(name);
        Thread t = new Thread(() -> {
            try {
                b.result.complete(work.call());
            } catch (Throwable e) {
                b.result.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return b;
    }

    /** Whether the work has ended (a result or a failure). */
    public boolean isDone() {
        return result.isDone();
    }

    /**
     * Waits for the work; returns its result, or throws what it threw (an Error or exception as it was; any other
     * Throwable as the cause of an IllegalStateException naming the work).
     */
    public T await() throws Exception {
        try {
            return result.join();
        } catch (CompletionException e) {
            Throwable t = e.getCause();
            if (t instanceof Error err) {
                throw err;
            }
            if (t instanceof Exception ex) {
                throw ex;
            }
            // neither: a Throwable of its own kind, thrown past Callable's signature
            throw new IllegalStateException("background work '" + name + "' failed: " + t, t);
        }
    }
}
