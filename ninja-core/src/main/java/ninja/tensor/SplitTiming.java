package ninja.tensor;

/**
 * The adaptive mode of {@link Parallel}: whether the next unit of work (a matmul, a step of parts) is split or runs
 * alone, from the time each way takes on this machine now. Windows of {@link #WINDOW} units are timed from start to
 * start, so a window's time holds all the work around its units too (and what a spinning worker costs the rest of the
 * step on a busy machine); four probe windows (split, alone, alone, split) decide, the winner runs for
 * {@link #DECIDED} windows, then the probes run again. The first {@link #WARM_PROBES} probes follow one another with
 * no stretch between: they run while the JIT still compiles both ways (the WaveNet's split warms up over its first
 * 2,000 steps or so), and a stretch decided on them kept the slower way for 12,288 steps.
 *
 * <p>One timing serves one stretch of training, and may outlive a Parallel: a benchmark's rounds each open their own
 * while the timing goes on, its clock stopped in between ({@link Parallel#onThisThread(int, SplitTiming)}).
 */
public final class SplitTiming {
    static final int WINDOW = 256, DECIDED = 48;   // WINDOW a power of two (the count wraps by a mask)
    static final int WARM_PROBES = 3;
    /** Units (steps) until the probes back to back are done: a benchmark's warm-up should run past them. */
    public static final int WARM_UNITS = WARM_PROBES * 4 * WINDOW;
    private long windowStart, carried;
    private int windowCalls, window = -1, probes;
    private long nanosSplit, nanosAlone;
    private boolean splitWins = true, split = true;
    private boolean inUse;                  // an open Parallel uses it (resumed, not yet paused)

    /**
     * Whether this unit is split, as the current window says. Kept free of rare branches: C2 compiles a branch it
     * never saw taken as a trap, and this method is inlined into the callers of the kernels, so a window's rare branch
     * first taken late (the probes' wrap, every 13,312 matmuls) deoptimised them, their Vector API code then running
     * interpreted until compiled again (JFR on a loaded machine: three such deoptimisations in one WaveNet bench run;
     * none in 49 runs since).
     */
    boolean choose() {
        if (windowCalls == 0) {
            nextWindow();   // once a window: a cold call site, too big for C2 to inline, its branches its own
        }
        windowCalls = (windowCalls + 1) & (WINDOW - 1);
        return split;
    }

    /** At the start of each window: the time of the one before booked, the probes judged, the next plan set. */
    private void nextWindow() {
        long now = System.nanoTime();
        if (window >= 0 && window < 4) {
            long dt = now - windowStart;
            if (window == 0 || window == 3) {
                nanosSplit += dt;
            } else {
                nanosAlone += dt;
            }
            if (window == 3) {
                splitWins = nanosSplit < nanosAlone;
                probes++;
            }
        }
        window = window + 1 >= 4 + (probes < WARM_PROBES ? 0 : DECIDED) ? 0 : window + 1;
        if (window == 0) {
            nanosSplit = nanosAlone = 0;
        }
        windowStart = now;
        split = window < 4 ? window == 0 || window == 3 : splitWins;
    }

    /** No Parallel uses this timing from now on: the current window's clock stops. */
    void pause() {
        if (inUse) {
            inUse = false;
            carried = System.nanoTime() - windowStart;
        }
    }

    /** A Parallel uses it again: the window goes on from where it stopped. One Parallel at a time. */
    void resume() {
        if (inUse) {
            throw new IllegalStateException("this SplitTiming already times an open Parallel: close that one first");
        }
        inUse = true;
        windowStart = System.nanoTime() - carried;
    }
}
