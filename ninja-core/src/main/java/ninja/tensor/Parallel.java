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
    private static final int SPINS = 20_000, WORKER_SPINS = 4_000;

    private final int threads;
    private final Thread owner;
    private final Thread[] workers;
    private final Parallel previous;
    // the job: written by the owner before it publishes a new generation (volatile), read by the workers after
    /** Which kernel a job runs: gemm, gemmBT, gemmBTPacked (b as Kernels.packBT packs it), or the parts of a task. */
    private enum Kind { GEMM, GEMM_BT, GEMM_BT_PACKED, PARTS }

    private Kind kind;
    private float[] a, b, bias, out;
    private int aRow, aCol, rows, inner, cols;
    private java.util.function.IntConsumer parts;    // a PARTS job: parts.accept(0 .. threads-1)
    private boolean inParts;                 // the owner is running a part: its kernels stay on its thread
    private final int chunks;                // row ranges per matmul: a few per thread, so a late thread takes less
    private volatile long generation;
    private final java.util.concurrent.atomic.AtomicLong claims = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;
    // the job's first failure (on any thread), rethrown by the owner once every piece claimed has ended
    private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
            new java.util.concurrent.atomic.AtomicReference<>();

    private final SplitTiming timing;        // adaptive mode, or null: always split

    private Parallel(int threads, SplitTiming timing) {
        this.threads = threads;
        this.timing = timing;
        this.owner = Thread.currentThread();
        this.previous = CURRENT.get();
        this.workers = new Thread[threads - 1];
        this.chunks = 2 * threads;
        for (int w = 0; w < workers.length; w++) {
            int self = w + 1;
            workers[w] = new Thread(() -> work(self), "ninja-kernels-" + self);
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
     * The same; with {@code adaptive} the matmuls are split only while that measures faster than running them alone
     * (whole stretches of work timed each way, measured again every few thousand matmuls): on a machine where other
     * work holds the cores, a second thread can cost more than it gives.
     */
    public static Parallel onThisThread(int threads, boolean adaptive) {
        return onThisThread(threads, adaptive ? new SplitTiming() : null);
    }

    /**
     * The same, adaptive by a timing that outlives this Parallel (null: not adaptive): a benchmark's rounds, each
     * with a Parallel of its own, go on with the windows and probes where the round before left them.
     */
    public static Parallel onThisThread(int threads, SplitTiming timing) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (timing != null) {
            timing.resume();
        }
        Parallel p = new Parallel(threads, timing);
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

    /**
     * How many jobs (matmuls, sets of parts) went to the threads so far (for tests: a split that never happens would
     * pass them trivially).
     */
    public long splits() {
        return generation;
    }

    /** The threads that run this split's work: the owner first, then the workers (for allocation counts). */
    public java.util.List<Thread> threadsRunning() {
        java.util.List<Thread> all = new java.util.ArrayList<>(java.util.List.of(owner));
        all.addAll(java.util.List.of(workers));
        return all;
    }

    /** Whether the calling thread's matmuls are split over other threads (an open Parallel of two or more). */
    public static boolean splitsThisThread() {
        return CURRENT.get() != null;
    }

    /** The calling thread's split, or null when it runs everything alone. */
    public static Parallel current() {
        return CURRENT.get();
    }

    /** {@link Simd#gemm} over all rows, split by rows. */
    void gemm(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rows, int inner, int cols) {
        if (inParts || (long) rows * inner * cols < MIN_MACS || rows < 8 || !choose()) {
            SIMD.gemm(a, aRow, aCol, b, bias, out, 0, rows, inner, cols);
            return;
        }
        set(Kind.GEMM, a, aRow, aCol, b, bias, out, rows, inner, cols);
        run();
    }

    /** {@link Simd#gemmBT} over all rows, split by rows. */
    void gemmBT(float[] a, float[] b, float[] bias, float[] out, int n, int k, int m) {
        if (inParts || (long) n * k * m < MIN_MACS || n < 8 || !choose()) {
            SIMD.gemmBT(a, b, bias, out, 0, n, k, m);
            return;
        }
        set(Kind.GEMM_BT, a, 0, 0, b, bias, out, n, k, m);
        run();
    }

    /** {@link Simd#gemmBTPacked} over all rows, split by rows (the same cut as gemmBT). */
    void gemmBTPacked(float[] a, float[] bP, float[] bias, float[] out, int n, int k, int m) {
        if (inParts || (long) n * k * m < MIN_MACS || n < 8 || !choose()) {
            SIMD.gemmBTPacked(a, bP, bias, out, 0, n, k, m);
            return;
        }
        set(Kind.GEMM_BT_PACKED, a, 0, 0, bP, bias, out, n, k, m);
        run();
    }

    /**
     * Runs {@code part.accept(0)} .. {@code part.accept(threads - 1)}, part i on thread i (0: this one) when that
     * thread is free, and returns when all are done; a part whose thread is late runs here. The parts must touch
     * disjoint data (then their bits do not depend on who runs them); their kernels run on the thread that runs the
     * part. The consumer is kept by the caller (no allocation). Work not to split goes through {@link #alone}.
     */
    public void forEachPart(java.util.function.IntConsumer part) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("Parallel.forEachPart from a thread that does not own it");
        }
        inParts = true;
        this.kind = Kind.PARTS;
        this.parts = part;
        try {
            runParts(publish(), 0);
            await(threads);
        } finally {
            this.parts = null;
            inParts = false;
        }
    }

    /**
     * Runs work on this thread alone, its matmuls unsplit and not counted by the adaptive timing: a step the caller
     * chose not to split ({@link #splitNext} false). The Runnable is kept by the caller (no allocation).
     */
    public void alone(Runnable work) {
        boolean was = inParts;
        inParts = true;
        try {
            work.run();
        } finally {
            inParts = was;
        }
    }

    /**
     * Whether the next unit of split work (a step of {@link #forEachPart} parts) should be split, or go through
     * {@link #alone}: always split when not adaptive, else as the current window of the adaptive timing says (see
     * {@link #choose}).
     */
    public boolean splitNext() {
        return choose();
    }

    /** Claims thread self's own part of job g first, then any part still unclaimed, and runs them. */
    private void runParts(long g, int self) {
        for (int q = 0; q < threads; q++) {
            int part = (self + q) % threads;
            long bit = 1L << part;
            for (;;) {
                long c = claims.get();
                if (c >>> 16 != g || (c & bit) != 0) {
                    break;
                }
                if (claims.compareAndSet(c, c | bit)) {
                    piece(g, part);
                    break;
                }
            }
        }
    }

    /**
     * Runs piece i of job g (a part, or a range of rows) and counts it done, whether it ends or throws. A failure is
     * kept for the owner and closes the job: the pieces nobody has claimed yet are claimed here and counted done
     * without running, so the owner stops waiting as soon as the pieces already running have ended.
     */
    private void piece(long g, int i) {
        try {
            if (kind == Kind.PARTS) {
                parts.accept(i);
            } else {
                chunk(i);
            }
        } catch (Throwable t) {
            if (!failure.compareAndSet(null, t)) {
                failure.get().addSuppressed(t);
            }
            boolean isParts = kind == Kind.PARTS;
            long rest = claims.getAndSet(g << 16 | (isParts ? (1L << threads) - 1 : chunks));
            if (rest >>> 16 == g) {
                int claimed = isParts ? Long.bitCount(rest & 0xFFFF) : (int) (rest & 0xFFFF);
                done.addAndGet((isParts ? threads : chunks) - claimed);
            }
        } finally {
            done.incrementAndGet();
        }
    }

    /** Whether this matmul (or step of parts) is split: always when not adaptive, else as the timing says. */
    private boolean choose() {
        return timing == null || timing.choose();
    }

    private void set(Kind kind, float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rows,
            int inner, int cols) {
        this.kind = kind;
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
        long g = publish();
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            runClaims(g);
            await(chunks);
        } finally {
            a = b = bias = out = null;
        }
    }

    /** Publishes the job set up in the fields: its claims reset, then the generation the workers wait for. */
    private long publish() {
        long g = generation + 1;
        done.set(0);
        claims.set(g << 16);
        generation = g;
        return g;
    }

    /**
     * Waits until all total pieces of the job have ended, on whichever thread claimed them, then rethrows the job's
     * first failure as it was thrown (the others it met added as suppressed): no piece still runs when the caller
     * sees it, whether the owner's own piece failed or a worker's.
     */
    private void await(int total) {
        for (int spins = 0; done.get() < total; spins++) {
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Throwable t = failure.getAndSet(null);
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("a kernel thread failed: " + t, t);
        }
    }

    /** Runs ranges of job g while unclaimed ones are left. */
    private void runClaims(long g) {
        for (;;) {
            long c = claims.get();
            if (c >>> 16 != g || (c & 0xFFFF) >= chunks) {
                return;
            }
            if (claims.compareAndSet(c, c + 1)) {
                piece(g, (int) (c & 0xFFFF));
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
        switch (kind) {
            case GEMM_BT_PACKED -> SIMD.gemmBTPacked(a, b, bias, out, lo, hi, inner, cols);
            case GEMM_BT -> SIMD.gemmBT(a, b, bias, out, lo, hi, inner, cols);
            case GEMM -> SIMD.gemm(a, aRow, aCol, b, bias, out, lo, hi, inner, cols);
            case PARTS -> throw new IllegalStateException("parts are not row ranges");
        }
    }

    private void work(int self) {
        long seen = 0;
        while (!closed) {
            long g = generation;
            if (g == seen) {
                for (int spins = 0; generation == seen && !closed; spins++) {
                    if (spins < WORKER_SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(this, 100_000);
                    }
                }
                continue;
            }
            seen = g;
            if (kind == Kind.PARTS) {
                runParts(g, self);
            } else {
                runClaims(g);
            }
        }
    }

    /** Stops the workers and gives the calling thread back its earlier split (if any). Closing twice does nothing. */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("close Parallel on the thread that opened it");
        }
        if (closed) {
            return;
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        if (timing != null) {
            timing.pause();
        }
        CURRENT.set(previous);
    }
}
