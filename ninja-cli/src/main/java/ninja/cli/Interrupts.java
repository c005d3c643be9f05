package ninja.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C during training: the first SIGINT asks the loop to stop after the current step (it then writes a
 * checkpoint and exits 130); a second one exits at once (the checkpoint on disk is always whole: writes are atomic).
 * The previous handler comes back on close.
 */
final class Interrupts implements AutoCloseable {
    private static final Signal INT = new Signal("INT");
    private final SignalHandler previous;

    private Interrupts(SignalHandler previous) {
        this.previous = previous;
    }

    static Interrupts install(AtomicBoolean stop) {
        return new Interrupts(Signal.handle(INT, sig -> {
            if (stop.getAndSet(true)) {
                Runtime.getRuntime().halt(Main.INTERRUPTED);
            }
        }));
    }

    @Override
    public void close() {
        Signal.handle(INT, previous);
    }
}
