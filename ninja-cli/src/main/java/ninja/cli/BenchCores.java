package ninja.cli;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.function.IntConsumer;
import ninja.tensor.Parallel;
import ninja.tensor.Simd;

/**
 * What the machine's cores give right now, measured beside a benchmark's rounds: one core's GFLOP/s on a matmul of
 * the WaveNet's shape (32 x 256 by 256 x 128, the step's own kernel), and how much faster two cores run two such
 * matmuls on arrays of their own, handed over as a split step's parts are ({@link Parallel#forEachPart}). On a shared
 * machine the second core may be another's: then no split of ours can pay, and the table's two-thread rows say so
 * only beside this.
 *
 * @param coreGflops     one core, the matmul alone
 * @param twoCoreScaling the two parts at once against one after the other (2.0: two whole cores)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record BenchCores(double coreGflops, double twoCoreScaling) {
    private static final int ROWS = 32, INNER = 256, COLS = 128;

    /**
     * Measures for about {@code seconds} (a third of it warm-up), on the calling thread and one more: short slices of
     * the matmuls one after the other and at once, interleaved (so both see the machine as it is), their medians.
     */
    static BenchCores measure(double seconds) {
        float[][] a = new float[2][ROWS * INNER], b = new float[2][INNER * COLS], out = new float[2][ROWS * COLS];
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < a[p].length; i++) {
                a[p][i] = (float) Math.sin(i + p);
            }
            for (int i = 0; i < b[p].length; i++) {
                b[p][i] = (float) Math.cos(i - p);
            }
        }
        IntConsumer part = p -> Simd.INSTANCE.gemm(a[p], INNER, 1, b[p], null, out[p], 0, ROWS, INNER, COLS);
        long third = (long) (seconds / 3 * 1e9);
        try (Parallel two = Parallel.onThisThread(2)) {
            Runnable alone = () -> {
                part.accept(0);
                part.accept(1);
            };
            Runnable both = () -> two.forEachPart(part);
            timed(() -> {
                alone.run();
                both.run();
            }, third);                                                   // warm-up: the kernel and the hand-over
            double[] aloneS = new double[SLICES], bothS = new double[SLICES];
            long slice = 2 * third / (2 * SLICES);
            for (int k = 0; k < SLICES; k++) {
                aloneS[k] = timed(alone, slice);
                bothS[k] = timed(both, slice);
            }
            java.util.Arrays.sort(aloneS);
            java.util.Arrays.sort(bothS);
            double t1 = BenchResult.median(aloneS), t2 = BenchResult.median(bothS);
            double flops = 2.0 * 2 * ROWS * INNER * COLS;               // two matmuls a call
            return new BenchCores(flops / t1 / 1e9, t1 / t2);
        }
    }

    private static final int SLICES = 15;

    /** Seconds a call, over calls for about {@code nanos}. */
    private static double timed(Runnable call, long nanos) {
        long t0 = System.nanoTime(), t;
        int calls = 0;
        do {
            for (int i = 0; i < 10; i++) {
                call.run();
            }
            calls += 10;
            t = System.nanoTime();
        } while (t - t0 < nanos);
        return (t - t0) / 1e9 / calls;
    }

    String describe() {
        return String.format("one core %.1f GFLOP/s (matmul %dx%dx%d), two at once %.2fx", coreGflops, ROWS, INNER,
                COLS, twoCoreScaling);
    }
}
