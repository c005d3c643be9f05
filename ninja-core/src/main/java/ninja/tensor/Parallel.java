package ninja.tensor;

import java.util.concurrent.locks.LockSupport;

/**
 * The matmuls of {@link Kernels} split over a few threads, bound to the thread that opened it:
 * {@code try (Parallel p = Parallel.onThisThread(2)) { ... training steps ... }}. Other threads (an evaluation helper)
 * keep running every kernel alone.
 *
 * <p>Deterministic: the rows of the output are cut into one contiguous range per thread (at multiples of four rows,
 * the kernels' block height), and every output element is computed by one thread with the very operations, in the
 * very order, of the one-thread kernel. So the results are bit-identical with any number of threads; only the time
 * changes. A matmul of fewer than {@link #MIN_MACS} multiply-adds stays on the calling thread (the hand-off costs a
 * few microseconds). Workers wait by spinning briefly, then parking for short spells: no allocation per call.
 */
public final class Parallel implements AutoCloseable {
    /** Matmuls smaller than this (rows x inner x cols) are not split. */
    public static final long MIN_MACS = 1 << 16;
    /** Steps of at least this many matmul FLOPs run faster on two threads than on one ({@link #threadsFor}). */
    public static final double MIN_FLOPS_PER_STEP = 4e6;

    private static final ThreadLocal<Parallel> CURRENT = new ThreadLocal<>();
    private static final Simd SIMD = Simd.INSTANCE;
    private static final int SPINS = 20_000;

    private final int threads;
    private final Thread owner;
    private final Thread[] workers;
    private final Parallel previous;
    // the job: written by the owner before it publishes a new generation (volatile), read by the workers after
    private boolean transposedB;
    private float[] a, b, bias, out;
    private int aRow, aCol, rows, inner, cols;
    private final int chunks;                // row ranges per matmul: a few per thread, so a late thread takes less
    private volatile long generation;
    private final java.util.concurrent.atomic.AtomicLong claims = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;
    private volatile Throwable failure;

    private final boolean adaptive;

    private Parallel(int threads, boolean adaptive) {
        this.threads = threads;
        this.adaptive = adaptive;
        this.owner = Thread.currentThread();
        this.previous = CURRENT.get();
        this.workers = new Thread[threads - 1];
        this.chunks = 2 * threads;
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Thread(this::work, "ninja-kernels-" + (w + 1));
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    /**
     * Splits the calling thread's matmuls over {@code threads} threads (1: no split, no thread started) until
     * {@link #close}.
     */
    public static Parallel onThisThread(int threads) {
        return onThisThread(threads, false);
    }

    /**
     * The same; with {@code adaptive} each matmul shape is split only while splitting measures faster than running
     * it alone (timed on alternating calls, re-measured every few thousand calls): on a machine where other work
     * holds the cores, a second thread can cost more than it gives.
     */
    public static Parallel onThisThread(int threads, boolean adaptive) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        Parallel p = new Parallel(threads, adaptive);
        CURRENT.set(threads == 1 ? null : p);
        return p;
    }

    /** The number of threads worth using for a training step of this many matmul FLOPs on this machine. */
    public static int threadsFor(double flopsPerStep) {
        return flopsPerStep >= MIN_FLOPS_PER_STEP ? Math.min(2, Runtime.getRuntime().availableProcessors()) : 1;
    }

    public int threads() {
        return threads;
    }

    /** How many matmuls were split so far (for tests: a split that never happens would pass them trivially). */
    long splits() {
        return generation;
    }

    /** The calling thread's split, or null when it runs everything alone. */
    static Parallel current() {
        return CURRENT.get();
    }

    /** {@link Simd#gemm} over all rows, split by rows. */
    void gemm(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rows, int inner, int cols) {
        int slot = (long) rows * inner * cols < MIN_MACS || rows < 8 ? -1 : slot(false, rows, inner, cols);
        boolean split = slot != -1 && choose(slot);
        long t0 = System.nanoTime();
        if (split) {
            set(false, a, aRow, aCol, b, bias, out, rows, inner, cols);
            run();
        } else {
            SIMD.gemm(a, aRow, aCol, b, bias, out, 0, rows, inner, cols);
        }
        record(slot, split, t0);
    }

    /** {@link Simd#gemmBT} over all rows, split by rows. */
    void gemmBT(float[] a, float[] b, float[] bias, float[] out, int n, int k, int m) {
        int slot = (long) n * k * m < MIN_MACS || n < 8 ? -1 : slot(true, n, k, m);
        boolean split = slot != -1 && choose(slot);
        long t0 = System.nanoTime();
        if (split) {
            set(true, a, 0, 0, b, bias, out, n, k, m);
            run();
        } else {
            SIMD.gemmBT(a, b, bias, out, 0, n, k, m);
        }
        record(slot, split, t0);
    }

    // Adaptive mode: per matmul shape, the time split and alone, from alternating probes; the faster way is used
    // until the next round of probes (the machine's load changes). Either way gives the same bits.
    private static final int SLOTS = 64, PROBES = 16, REPROBE = 1 << 13;
    private final long[] shapeKey = new long[SLOTS];
    private final long[] nanosSplit = new long[SLOTS], nanosAlone = new long[SLOTS];
    private final int[] calls = new int[SLOTS];
    private final boolean[] splitWins = new boolean[SLOTS];

    /** The shape's slot in the adaptive table, -2 when splitting always (or the table is full). */
    private int slot(boolean bt, int rows, int inner, int cols) {
        if (!adaptive) {
            return -2;
        }
        long key = ((long) rows << 42) ^ ((long) inner << 21) ^ cols ^ (bt ? 1L << 63 : 0);
        int h = (int) (key ^ (key >>> 29) ^ (key >>> 47)) & (SLOTS - 1);
        for (int i = 0; i < SLOTS; i++, h = (h + 1) & (SLOTS - 1)) {
            if (shapeKey[h] == key) {
                return h;
            }
            if (shapeKey[h] == 0) {
                shapeKey[h] = key;
                return h;
            }
        }
        return -2;
    }

    private boolean choose(int slot) {
        if (slot == -2) {
            return true;
        }
        int c = calls[slot];
        return c < 2 * PROBES ? (c & 1) == 0 : splitWins[slot];
    }

    private void record(int slot, boolean split, long t0) {
        if (slot < 0) {
            return;
        }
        long dt = System.nanoTime() - t0;
        int c = ++calls[slot];
        if (c <= 2 * PROBES) {
            if (split) {
                nanosSplit[slot] += dt;
            } else {
                nanosAlone[slot] += dt;
            }
            if (c == 2 * PROBES) {
                splitWins[slot] = nanosSplit[slot] < nanosAlone[slot];
            }
        } else if (c >= REPROBE) {
            calls[slot] = 0;
            nanosSplit[slot] = nanosAlone[slot] = 0;
        }
    }

    private void set(boolean bt, float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rows,
            int inner, int cols) {
        this.transposedB = bt;
        this.a = a;
        this.aRow = aRow;
        this.aCol = aCol;
        this.b = b;
        this.bias = bias;
        this.out = out;
        this.rows = rows;
        this.inner = inner;
        this.cols = cols;
    }

    /**
     * Publishes the job, then claims ranges itself like any worker; waits only for ranges a worker is still running.
     * On a busy machine, where a worker may not be scheduled at all, the caller simply runs every range (the bits do
     * not depend on who runs which range).
     */
    private void run() {
        long g = generation + 1;
        done.set(0);
        claims.set(g << 16);
        generation = g;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        int mine = runClaims(g);
        for (int spins = 0; mine + done.get() < chunks; spins++) {
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        a = b = bias = out = null;
        Throwable t = failure;
        if (t != null) {
            failure = null;
            throw new IllegalStateException("a kernel thread failed", t);
        }
    }

    /** Runs ranges of job g while unclaimed ones are left; returns how many it ran. */
    private int runClaims(long g) {
        int ran = 0;
        for (;;) {
            long c = claims.get();
            if (c >>> 16 != g || (c & 0xFFFF) >= chunks) {
                return ran;
            }
            if (claims.compareAndSet(c, c + 1)) {
                chunk((int) (c & 0xFFFF));
                ran++;
            }
        }
    }

    /** Rows [from(w), from(w+1)) are range w: a fixed cut at multiples of four. */
    private int from(int w) {
        return w == chunks ? rows : (int) ((long) rows * w / chunks) & ~3;
    }

    private void chunk(int w) {
        int lo = from(w), hi = from(w + 1);
        if (lo >= hi) {
            return;
        }
        if (transposedB) {
            SIMD.gemmBT(a, b, bias, out, lo, hi, inner, cols);
        } else {
            SIMD.gemm(a, aRow, aCol, b, bias, out, lo, hi, inner, cols);
        }
    }

    private void work() {
        long seen = 0;
        while (!closed) {
            long g = generation;
            if (g == seen) {
                for (int spins = 0; generation == seen && !closed; spins++) {
                    if (spins < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(this, 100_000);
                    }
                }
                continue;
            }
            seen = g;
            int ran = 0;
            try {
                ran = runClaims(g);
            } catch (Throwable t) {
                failure = t;
                ran = chunks;   // counted as done: the caller stops waiting and throws
            }
            done.addAndGet(ran);
        }
    }

    /** Stops the workers and gives the calling thread back its earlier split (if any). */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("close Parallel on the thread that opened it");
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        CURRENT.set(previous);
    }
}
