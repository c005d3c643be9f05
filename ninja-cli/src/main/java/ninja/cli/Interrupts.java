package ninja.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP during training all ask the loop to stop after the current step; it then writes
 * a checkpoint, prints the command that resumes it and exits 128 + the signal's number (130, 143, 129). Further
 * signals are noted and ignored, so a fast double Ctrl-C cannot cut the checkpoint write short (SIGKILL still can,
 * and even then the write is atomic). After the loop, once the checkpoint is written, a signal ends the process at
 * once ({@link #exitAtOnce}): calibration can take minutes and loses nothing by stopping. The previous handlers
 * come back on close.
 */
final class Interrupts implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM", "HUP"};
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    /** 128 + the first signal's number, 0 while none came. */
    private final AtomicInteger exitCode = new AtomicInteger();

    private Interrupts() {
    }

    static Interrupts install() {
        Interrupts in = new Interrupts();
        for (String name : SIGNALS) {
            Signal s = new Signal(name);
            try {
                in.previous.add(Signal.handle(s, in::handle));
                in.signals.add(s);
            } catch (IllegalArgumentException ignored) {
                // the JVM or the OS keeps this one (e.g. -Xrs): it keeps its default behaviour
            }
        }
        return in;
    }

    /**
     * From now on a signal ends the process at once, after printing {@code note}: for the steps after the training
     * loop (calibration, evaluation), which may run for minutes and whose input is already saved.
     */
    void exitAtOnce(String note) {
        this.note = note;
    }

    private volatile String note;

    private void handle(Signal s) {
        String now = note;
        if (now != null) {
            System.err.println("ninja: SIG" + s.getName() + ": " + now);
            System.err.flush();
            Runtime.getRuntime().halt(128 + s.getNumber());
        }
        if (!exitCode.compareAndSet(0, 128 + s.getNumber())) {
            System.err.println("ninja: SIG" + s.getName() + ": already stopping, the checkpoint is being written");
        }
    }

    boolean requested() {
        return exitCode.get() != 0;
    }

    /** 130, 143 or 129 (0 if no signal came). */
    int exitCode() {
        return exitCode.get();
    }

    String signalName() {
        return switch (exitCode.get()) {
            case 130 -> "SIGINT";
            case 143 -> "SIGTERM";
            case 129 -> "SIGHUP";
            default -> "signal " + (exitCode.get() - 128);
        };
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
