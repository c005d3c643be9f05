package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ninja.rng.TorchGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our {@link TorchGenerator} against libtorch's own CPU generator, bit for bit. */
class TorchGeneratorTest {
    static final long[] SEEDS = {2147483647L, 42L, 0L, 1234567890123L};
    static final int[] SIZES = {1, 2, 3, 15, 16, 17, 31, 270, 6000};

    static NDManager m;

    @BeforeAll
    static void start() {
        m = Torch.newManager();
    }

    @AfterAll
    static void stop() {
        m.close();
    }

    static float[] torchRandn(int n) {
        try (NDManager s = m.newSubManager()) {
            return s.randomNormal(0f, 1f, new Shape(n), DataType.FLOAT32).toFloatArray();
        }
    }

    static int[] torchRandint(int low, int high, int n) {
        try (NDManager s = m.newSubManager()) {
            NDArray a = s.randomInteger(low, high, new Shape(n), DataType.INT64);
            long[] v = a.toLongArray();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = Math.toIntExact(v[i]);
            }
            return out;
        }
    }

    /** Number of elements whose float bits differ; prints the first few. */
    static int mismatches(String what, float[] mine, float[] torch) {
        assertThat(mine).hasSameSizeAs(torch);
        int bad = 0;
        for (int i = 0; i < mine.length; i++) {
            if (Float.floatToRawIntBits(mine[i]) != Float.floatToRawIntBits(torch[i])) {
                if (bad++ < 5) {
                    System.out.printf("%s: [%d] mine %s (%08x) torch %s (%08x)%n", what, i, mine[i],
                            Float.floatToRawIntBits(mine[i]), torch[i], Float.floatToRawIntBits(torch[i]));
                }
            }
        }
        return bad;
    }

    @Test
    void randnIsBitIdentical() {
        for (long seed : SEEDS) {
            for (int n : SIZES) {
                Torch.manualSeed(seed);
                float[] torch = torchRandn(n);
                float[] mine = new TorchGenerator(seed).randn(n);
                assertThat(mismatches("randn seed " + seed + " n " + n, mine, torch)).as("seed %d, n %d", seed, n)
                        .isZero();
            }
        }
    }

    @Test
    void randintIsIdentical() {
        int[][] ranges = {{0, 182625}, {0, 27}, {5, 6}, {-10, 10}, {0, (1 << 28) - 1}, {0, 1 << 28},
                {-(1 << 27), 1 << 27}, {0, Integer.MAX_VALUE}, {Integer.MIN_VALUE, Integer.MAX_VALUE}};
        for (long seed : SEEDS) {
            for (int[] r : ranges) {
                for (int n : new int[] {1, 32, 1000}) {
                    Torch.manualSeed(seed);
                    int[] torch = torchRandint(r[0], r[1], n);
                    assertThat(new TorchGenerator(seed).randint(r[0], r[1], n))
                            .as("seed %d, randint(%d, %d, %d)", seed, r[0], r[1], n).isEqualTo(torch);
                }
            }
        }
    }

    @Test
    void mixedDrawsKeepTheStreamPosition() {
        // the lecture's order (C, W1, b1, W2, b2, then randint) plus small draws that use the cached normal
        int[] plan = {270, 300, 64, 1728, 27, 3, 1, 5, -32, 17, -7, 2, 1, 16, -1000};
        for (long seed : SEEDS) {
            Torch.manualSeed(seed);
            TorchGenerator g = new TorchGenerator(seed);
            for (int k : plan) {
                if (k > 0) {
                    assertThat(mismatches("mixed randn " + k, g.randn(k), torchRandn(k))).as("seed %d randn %d", seed, k)
                            .isZero();
                } else {
                    assertThat(g.randint(0, 182625, -k)).as("seed %d randint %d", seed, -k)
                            .isEqualTo(torchRandint(0, 182625, -k));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {2147483647L, 42L})
    void largeRandnHasNoMismatch(long seed) {
        int n = 1_000_000;
        Torch.manualSeed(seed);
        float[] torch = torchRandn(n);
        int bad = mismatches("randn 1e6 seed " + seed, new TorchGenerator(seed).randn(n), torch);
        System.out.println("randn(1e6), seed " + seed + ": " + bad + " mismatching floats");
        assertThat(bad).isZero();
    }
}
