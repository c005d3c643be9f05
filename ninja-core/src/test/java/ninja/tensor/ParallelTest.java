package ninja.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Split matmuls give the one-thread bits, for any thread count and shape (ranges not multiples of four included). */
class ParallelTest {
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"128, 48, 128", "64, 256, 128", "32, 128, 27", "37, 61, 45", "9, 300, 40", "256, 57, 200", "200, 256, 33"})
    void splitMatmulsAreBitIdenticalToOneThread(int n, int k, int m) {
        Random r = new Random(n * 31 + k * 7 + m);
        float[] a = SimdTest.rand(r, n * k), b = SimdTest.rand(r, k * m), bt = SimdTest.rand(r, m * k);
        float[] bias = SimdTest.rand(r, m), at = SimdTest.rand(r, k * n);
        float[][] one = products(a, b, bt, bias, at, n, k, m);
        for (int threads = 2; threads <= 3; threads++) {
            float[][] many;
            try (Parallel p = Parallel.onThisThread(threads)) {
                assertThat(Parallel.current()).isSameAs(p);
                many = products(a, b, bt, bias, at, n, k, m);
                assertThat(p.splits()).as("matmuls split").isEqualTo((long) n * k * m >= Parallel.MIN_MACS ? 4 : 0);
            }
            assertThat(Parallel.current()).isNull();
            for (int i = 0; i < one.length; i++) {
                assertThat(many[i]).as("product %d with %d threads", i, threads).isEqualTo(one[i]);
            }
        }
        // adaptive: windows of matmuls split and alone, then the faster is kept; every call gives the same bits
        try (Parallel p = Parallel.onThisThread(2, true)) {
            for (int rep = 0; rep < 130; rep++) {
                float[][] again = products(a, b, bt, bias, at, n, k, m);
                for (int i = 0; i < one.length; i++) {
                    assertThat(again[i]).as("product %d, adaptive call %d", i, rep).isEqualTo(one[i]);
                }
            }
            assertThat(p.splits()).as("probes split").isPositive();
        }
    }

    /** matmulBTPacked split over two threads: the one-thread bits, which are matmulBT's. */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"128, 128, 48", "64, 128, 256", "32, 27, 128", "37, 61, 45", "200, 33, 256", "30, 128, 27"})
    void splitMatmulBTransposedIsBitIdentical(int n, int k, int m) {
        Random r = new Random(n * 31 + k * 7 + m);
        float[] a = SimdTest.rand(r, n * k), b = SimdTest.rand(r, m * k), bias = SimdTest.rand(r, m);
        float[] bT = new float[Kernels.packedBTSize(m, k)], want = new float[n * m], alone = new float[n * m], split = new float[n * m];
        Kernels.packBT(b, m, k, bT);
        Kernels.matmulBT(a, b, bias, want, n, k, m);
        Kernels.matmulBTPacked(a, bT, bias, alone, n, k, m);
        try (Parallel p = Parallel.onThisThread(2)) {
            Kernels.matmulBTPacked(a, bT, bias, split, n, k, m);
            assertThat(p.splits()).as("matmuls split").isEqualTo((long) n * k * m >= Parallel.MIN_MACS ? 1 : 0);
        }
        assertThat(alone).isEqualTo(want);
        assertThat(split).isEqualTo(want);
    }

    static float[][] products(float[] a, float[] b, float[] bt, float[] bias, float[] at, int n, int k, int m) {
        float[][] o = {new float[n * m], new float[n * m], new float[n * m], new float[n * m]};
        Kernels.matmul(a, b, bias, o[0], n, k, m);
        Kernels.matmul(a, b, null, o[1], n, k, m);
        Kernels.matmulBT(a, bt, bias, o[2], n, k, m);
        Kernels.matmulAT(at, b, o[3], k, n, m);
        return o;
    }

    @Test
    void oneThreadBindsNothingAndOtherThreadsRunAlone() throws Exception {
        try (Parallel p = Parallel.onThisThread(1)) {
            assertThat(Parallel.current()).isNull();
            assertThat(p.threads()).isEqualTo(1);
        }
        try (Parallel p = Parallel.onThisThread(2)) {
            Parallel[] seen = new Parallel[1];
            Thread t = new Thread(() -> seen[0] = Parallel.current());
            t.start();
            t.join();
            assertThat(seen[0]).isNull();
        }
        assertThatThrownBy(() -> Parallel.onThisThread(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void smallStepsStayOnOneThread() {
        double notebook = 6.0 * 32 * 200 * (30 + 27);
        assertThat(Parallel.threadsFor(notebook)).isEqualTo(1);
        assertThat(Parallel.threadsFor(6.0 * 32 * 512 * 57)).isEqualTo(Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * forEachPart runs each part exactly once and returns after all, on the threads (part 0 on the owner whenever it
     * is its own to take, a late worker's part on the owner); alone runs its work on the owner. A part that fails on
     * a worker fails the call, and the matmuls inside a part or alone are not split again.
     */
    @Test
    void partsRunOnceEachOnTheThreadsAndFailuresReachTheCaller() {
        try (Parallel p = Parallel.onThisThread(2)) {
            for (int round = 0; round < 200; round++) {
                Thread[] ranOn = new Thread[2];
                int[] runs = new int[2];
                long before = p.splits();
                p.forEachPart(i -> {
                    runs[i]++;
                    ranOn[i] = Thread.currentThread();
                    float[] a = new float[64 * 64], out = new float[64 * 64];
                    Kernels.matmul(a, a, null, out, 64, 64, 64);   // 262,144 multiply-adds: would be split outside a part
                });
                assertThat(runs).containsExactly(1, 1);
                assertThat(p.splits() - before).as("one job, its matmuls not split again").isEqualTo(1);
                assertThat(p.threadsRunning()).contains(ranOn[0], ranOn[1]);
            }
            java.util.List<Thread> ranAlone = new java.util.ArrayList<>();
            long before = p.splits();
            p.alone(() -> {
                ranAlone.add(Thread.currentThread());
                float[] a = new float[64 * 64], out = new float[64 * 64];
                Kernels.matmul(a, a, null, out, 64, 64, 64);
            });
            assertThat(ranAlone).containsExactly(p.threadsRunning().get(0));
            assertThat(p.splits()).as("alone: its matmuls not split").isEqualTo(before);
            assertThatThrownBy(() -> p.forEachPart(i -> {
                if (i == 1) {
                    throw new ArithmeticException("part 1");
                }
            })).isInstanceOf(ArithmeticException.class).hasMessage("part 1");   // as thrown, here or on the worker
        }
    }

    /**
     * A part that fails on the owner while the worker still runs its own: forEachPart returns (throwing the owner's
     * exception) only after the worker's part has ended, and the next job runs normally. (Returning at once let the
     * caller go on while a part still wrote its arrays.)
     */
    @Test
    void aFailureOnTheOwnerWaitsForTheWorkersPart() {
        try (Parallel p = Parallel.onThisThread(2)) {
            Thread owner = Thread.currentThread();
            for (int round = 0; round < 20; round++) {
                java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
                assertThatThrownBy(() -> p.forEachPart(i -> {
                    if (Thread.currentThread() != owner) {
                        started.countDown();
                        sleep(20);
                        ended.set(true);
                    } else if (i == 0) {
                        await(started);   // the worker has its part in hand
                        throw new ArithmeticException("part 0");
                    }
                })).isInstanceOf(ArithmeticException.class).hasMessage("part 0");
                assertThat(ended).as("round " + round + ": the worker's part had ended").isTrue();
                int[] runs = new int[2];
                p.forEachPart(i -> runs[i]++);
                assertThat(runs).containsExactly(1, 1);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            assertThat(latch.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the worker started").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The adaptive timing's first probes follow one another: half of each 1,024 units split, no stretch between. */
    @Test
    void theFirstThreeProbesRunBackToBack() {
        try (Parallel p = Parallel.onThisThread(2, true)) {
            int split = 0;
            for (int i = 0; i < 3 * 4 * 256; i++) {
                split += p.splitNext() ? 1 : 0;
            }
            assertThat(split).isEqualTo(3 * 2 * 256);
        }
    }

    /** A timing handed from Parallel to Parallel (a benchmark's rounds) goes on with its windows. */
    @Test
    void aTimingGoesOnAcrossParallels() {
        SplitTiming t = new SplitTiming();
        int split = 0;
        for (int round = 0; round < 4; round++) {
            try (Parallel p = Parallel.onThisThread(2, t)) {
                for (int i = 0; i < 200; i++) {
                    split += p.splitNext() ? 1 : 0;
                }
            }
        }
        // 800 units as one run: window 0 split (256), windows 1 and 2 alone, window 3 split from unit 768
        assertThat(split).isEqualTo(256 + 32);
    }

    /**
     * A timing serves one open Parallel at a time (a second is refused before any thread starts), and closing a
     * Parallel twice does nothing: neither the thread's split opened since nor the timing's clock is touched.
     */
    @Test
    void aTimingServesOneParallelAndASecondCloseDoesNothing() {
        SplitTiming t = new SplitTiming();
        Parallel first = Parallel.onThisThread(2, t);
        try {
            assertThatThrownBy(() -> Parallel.onThisThread(2, t)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already times an open Parallel");
            assertThat(Parallel.current()).isSameAs(first);
        } finally {
            first.close();
        }
        try (Parallel second = Parallel.onThisThread(2, t)) {
            first.close();
            assertThat(Parallel.current()).as("the split opened after the first close").isSameAs(second);
        }
        assertThat(Parallel.current()).isNull();
    }
}
