package ninja.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import ninja.check.Cmp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The vector kernels against the plain loops (allclose), tails included; FastMath against java.lang.Math. */
class SimdTest {
    static final Simd SCALAR = new Simd.ScalarSimd();
    static final Simd VECTOR = vector();

    static Simd vector() {
        try {
            return (Simd) Class.forName("ninja.tensor.VectorSimd").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null; // no incubator module in this JVM: only the scalar path exists
        }
    }

    static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    static void close(String what, float[] a, float[] b) {
        // sums of products of gaussians: compare with a tolerance scaled to the result's magnitude
        double scale = 0;
        for (float x : b) {
            scale = Math.max(scale, Math.abs(x));
        }
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).as(what + "[" + i + "]").isCloseTo(b[i],
                    org.assertj.core.data.Offset.offset(1e-5 * (1 + scale)));
        }
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"1, 1, 1", "5, 7, 3", "32, 30, 200", "32, 200, 27", "27, 32, 200", "9, 33, 17", "4, 8, 16"})
    void matmulsAgree(int n, int k, int m) {
        if (VECTOR == null) {
            return;
        }
        Random r = new Random(n * 1000 + k * 10 + m);
        float[] a = rand(r, n * k), b = rand(r, k * m), bt = rand(r, m * k), bias = rand(r, m), at = rand(r, k * n);
        for (boolean withBias : new boolean[] {true, false}) {
            float[] bb = withBias ? bias : null;
            float[] o1 = new float[n * m], o2 = new float[n * m];
            SCALAR.gemm(a, k, 1, b, bb, o1, 0, n, k, m);
            VECTOR.gemm(a, k, 1, b, bb, o2, 0, n, k, m);
            close("gemm", o2, o1);
            SCALAR.gemmBT(a, bt, bb, o1, 0, n, k, m);
            VECTOR.gemmBT(a, bt, bb, o2, 0, n, k, m);
            close("gemmBT", o2, o1);
        }
        float[] o1 = new float[n * m], o2 = new float[n * m];
        // a.T @ b with a [k, n]
        SCALAR.gemm(at, 1, n, b, null, o1, 0, n, k, m);
        VECTOR.gemm(at, 1, n, b, null, o2, 0, n, k, m);
        close("gemmAT", o2, o1);
    }

    /**
     * The vector gemm gives each element the bits of one plain chain of fused multiply-adds over t (then the bias
     * added once), whatever block, vector or tail it falls in: row counts below four, between four and eight, and
     * from eight on (the columns past the 4 x 4 and 4 x 3 blocks then go in 8 x 1 blocks), column counts of 4 x 4 blocks
     * alone, of 4 x 4 blocks and a 4 x 3 one (56 and more past a multiple of 32), with no tail, a tail
     * of 3 (the WaveNet's 27 logits: a last vector overlapping the one before) and below one vector. Reference
     * written here, not taken from the kernels.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"32, 128, 27", "3, 40, 27", "7, 5, 9", "6, 33, 13", "5, 12, 5", "4, 30, 200", "2, 9, 31", "9, 16, 16",
        "12, 7, 40", "130, 3, 128", "64, 256, 128", "8, 10, 60", "5, 6, 59", "11, 4, 91"})
    void gemmElementsAreOneFusedChainEach(int n, int k, int m) {
        if (VECTOR == null) {
            return;
        }
        Random r = new Random(31L * n + 7L * k + m);
        float[] a = rand(r, n * k), b = rand(r, k * m), bias = rand(r, m), at = rand(r, k * n);
        float[] out = new float[n * m], outT = new float[n * m];
        VECTOR.gemm(a, k, 1, b, bias, out, 0, n, k, m);
        VECTOR.gemm(at, 1, n, b, null, outT, 0, n, k, m);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < m; c++) {
                float s = 0f, sT = 0f;
                for (int t = 0; t < k; t++) {
                    s = Math.fma(a[i * k + t], b[t * m + c], s);
                    sT = Math.fma(at[t * n + i], b[t * m + c], sT);
                }
                assertThat(out[i * m + c]).as("a @ b + bias [%d, %d]", i, c).isEqualTo(s + bias[c]);
                assertThat(outT[i * m + c]).as("a.T @ b [%d, %d]", i, c).isEqualTo(sT);
            }
        }
    }

    /**
     * gemmBTPacked (b packed by Kernels.packBT) gives gemmBT's bits on each implementation, for every shape, with and without
     * bias, over row ranges that do not start at 0 (rows outside the range are left alone).
     */
    @ParameterizedTest(name = "k={0}")
    @CsvSource({"1", "7", "8", "9", "27", "128", "200"})
    void gemmBTFromTransposedBIsBitIdentical(int k) {
        int[] ms = {1, 7, 8, 27, 30, 48, 128, 256};
        int[] ns = {1, 2, 3, 4, 5, 6, 7, 8, 9, 32};
        for (Simd s : VECTOR == null ? new Simd[] {SCALAR} : new Simd[] {SCALAR, VECTOR}) {
            for (int m : ms) {
                for (int n : ns) {
                    Random r = new Random(k * 100_000 + m * 100 + n);
                    float[] a = rand(r, n * k), b = rand(r, m * k), bias = rand(r, m), bT = new float[Kernels.packedBTSize(m, k)];
                    Kernels.packBT(b, m, k, bT);
                    for (int from = 0; from <= Math.min(3, n - 1); from += 3) {
                        for (float[] bb : new float[][] {bias, null}) {
                            float[] want = new float[n * m], got = new float[n * m];
                            java.util.Arrays.fill(want, 7f);
                            java.util.Arrays.fill(got, 7f);
                            s.gemmBT(a, b, bb, want, from, n, k, m);
                            s.gemmBTPacked(a, bT, bb, got, from, n, k, m);
                            assertThat(got).as("%s %dx%dx%d rows from %d, bias %b", s.name(), n, k, m, from,
                                    bb != null).isEqualTo(want);
                        }
                    }
                }
            }
        }
    }

    /**
     * gemmBT2 over rows cut in two (a = [a0 | a1], b = [b0 | b1]) gives gemmBT's bits on the joined arrays, on each
     * implementation: cuts at 0, 8 and 104 (the notebook's 200 units as two threads hold them), second parts with and
     * without a tail, 4 x 4, 4 x 3 and single dot products, row ranges not starting at 0; and refuses a first part
     * that is not whole vectors.
     */
    @ParameterizedTest(name = "k0={0} k1={1}")
    @CsvSource({"0, 200", "8, 1", "8, 19", "104, 96", "96, 104", "16, 0", "256, 256", "48, 52"})
    void gemmBTInTwoPartsIsGemmBTOnTheJoinedRows(int k0, int k1) {
        int k = k0 + k1;
        for (Simd s : VECTOR == null ? new Simd[] {SCALAR} : new Simd[] {SCALAR, VECTOR}) {
            for (int m : new int[] {1, 3, 27, 30}) {
                for (int n : new int[] {1, 5, 16, 32}) {
                    Random r = new Random(k * 100_000 + m * 100 + n);
                    float[] a = rand(r, n * k), b = rand(r, m * k), bias = rand(r, m);
                    float[] a0 = new float[n * k0], a1 = new float[n * k1], b0 = new float[m * k0], b1 = new float[m * k1];
                    cut(a, n, k0, k1, a0, a1);
                    cut(b, m, k0, k1, b0, b1);
                    for (int from = 0; from <= Math.min(4, n - 1); from += 4) {
                        for (float[] bb : new float[][] {bias, null}) {
                            float[] want = new float[n * m], got = new float[n * m];
                            java.util.Arrays.fill(want, 7f);
                            java.util.Arrays.fill(got, 7f);
                            s.gemmBT(a, b, bb, want, from, n, k, m);
                            s.gemmBT2(a0, a1, b0, b1, bb, got, from, n, k0, k1, m);
                            assertThat(got).as("%s %dx(%d+%d)x%d rows from %d, bias %b", s.name(), n, k0, k1, m, from,
                                    bb != null).isEqualTo(want);
                        }
                    }
                }
            }
            float[] x = new float[12];
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.gemmBT2(x, x, x, x, null, x, 0, 1, 4, 8, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first part's length 4");
        }
    }

    /** Rows of [rows, k0 + k1] cut into [rows, k0] and [rows, k1]. */
    private static void cut(float[] x, int rows, int k0, int k1, float[] x0, float[] x1) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, i * (k0 + k1), x0, i * k0, k0);
            System.arraycopy(x, i * (k0 + k1) + k0, x1, i * k1, k1);
        }
    }

    /** Panel p of packBT holds columns c = min(8p, m - w).. of b^T as [k, w], w = min(8, m). */
    @Test
    void packBTCutsBTransposedIntoPanels() {
        Random r = new Random(3);
        for (int[] shape : new int[][] {{1, 1}, {3, 17}, {27, 128}, {128, 27}, {16, 8}, {8, 5}}) {
            int m = shape[0], k = shape[1], w = Math.min(8, m), panels = (m + w - 1) / w;
            float[] b = rand(r, m * k), bP = new float[Kernels.packedBTSize(m, k)];
            assertThat(bP.length).isEqualTo(panels * w * k);
            Kernels.packBT(b, m, k, bP);
            for (int p = 0; p < panels; p++) {
                int c = Math.min(8 * p, m - w);
                for (int t = 0; t < k; t++) {
                    for (int q = 0; q < w; q++) {
                        assertThat(bP[(p * k + t) * w + q]).isEqualTo(b[(c + q) * k + t]);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"1", "7", "8", "27", "33", "200"})
    void elementwiseKernelsAgree(int len) {
        if (VECTOR == null) {
            return;
        }
        Random r = new Random(len);
        float[] x = rand(r, len), mean = rand(r, len), gain = rand(r, len), bias = rand(r, len), inv = new float[len];
        for (int j = 0; j < len; j++) {
            inv[j] = 0.5f + Math.abs(x[j]);
        }
        float[][] out = new float[2][len];
        SCALAR.tanh(x, 0, out[0], 0, len);
        VECTOR.tanh(x, 0, out[1], 0, len);
        close("tanh", out[1], out[0]);
        float[][] nrm = new float[4][len];
        SCALAR.normalize(x, mean, inv, gain, bias, nrm[0], nrm[1], 0, len);
        VECTOR.normalize(x, mean, inv, gain, bias, nrm[2], nrm[3], 0, len);
        // no fused multiply-add on either path: the same bits
        assertThat(nrm[2]).isEqualTo(nrm[0]);
        assertThat(nrm[3]).isEqualTo(nrm[1]);
        float[] e1 = new float[len], e2 = new float[len];
        float s1 = SCALAR.expShiftSum(x, 0, 1f, e1, 0, len), s2 = VECTOR.expShiftSum(x, 0, 1f, e2, 0, len);
        close("exp", e2, e1);
        assertThat(s2).isCloseTo(s1, org.assertj.core.data.Offset.offset(1e-5f * s1));
        // without an output (a forward-only pass) the same sum, bit for bit, at an offset into x as well
        assertThat(VECTOR.expShiftSum(x, 0, 1f, null, 0, len)).isEqualTo(s2);
        if (len > 1) {
            float[] tail = new float[len - 1];
            float st = VECTOR.expShiftSum(x, 1, 1f, tail, 0, len - 1);
            assertThat(VECTOR.expShiftSum(x, 1, 1f, null, 0, len - 1)).isEqualTo(st);
        }
        assertThat(VECTOR.max(x, 0, len)).isEqualTo(SCALAR.max(x, 0, len));
        assertThat(VECTOR.dot(x, 0, mean, 0, len)).isCloseTo(SCALAR.dot(x, 0, mean, 0, len),
                org.assertj.core.data.Offset.offset(1e-4f * len));
    }

    /** BatchNorm1d's forward kernels: the same operations in the same order on both paths, so the same bits. */
    @ParameterizedTest
    @CsvSource({"1", "7", "8", "27", "33", "128"})
    void batchNormForwardKernelsAreBitIdentical(int len) {
        if (VECTOR == null) {
            return;
        }
        Random r = new Random(len + 7);
        float[] x = rand(r, 3 * len), mean = rand(r, len), gain = rand(r, len), bias = rand(r, len);
        float[] std = new float[len];
        double[] dmean = new double[len];
        for (int j = 0; j < len; j++) {
            std[j] = 0.3f + Math.abs(x[j]);
            dmean[j] = mean[j] + 1e-9 * j;    // a mean that is not a float
        }
        double[][] sum = new double[2][len], sq = new double[2][len];
        for (int i = 0; i < 3; i++) {
            SCALAR.addDouble(x, i * len, sum[0], 0, len);
            VECTOR.addDouble(x, i * len, sum[1], 0, len);
            SCALAR.addSquaredDiffDouble(x, i * len, dmean, sq[0], 0, len);
            VECTOR.addSquaredDiffDouble(x, i * len, dmean, sq[1], 0, len);
        }
        assertThat(sum[1]).isEqualTo(sum[0]);
        assertThat(sq[1]).isEqualTo(sq[0]);
        // and they are the plain double loops: one known value
        assertThat(sum[0][0]).isEqualTo((double) x[0] + (double) x[len] + (double) x[2 * len]);
        float[][] nrm = new float[4][3 * len];
        for (int i = 0; i < 3; i++) {
            SCALAR.normalizeDiv(x, mean, std, gain, bias, nrm[0], nrm[1], i * len, len);
            VECTOR.normalizeDiv(x, mean, std, gain, bias, nrm[2], nrm[3], i * len, len);
        }
        assertThat(nrm[2]).isEqualTo(nrm[0]);
        assertThat(nrm[3]).isEqualTo(nrm[1]);
        assertThat(nrm[0][len - 1]).isEqualTo((x[len - 1] - mean[len - 1]) / std[len - 1]);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1, 1", "3, 7", "32, 200", "32, 27", "5, 45", "2, 33"})
    void columnSumsAddRowByRowInOrder(int n, int m) {
        Random r = new Random(n * 100 + m);
        float[] a = rand(r, n * m), mean = rand(r, m);
        float[] rows = new float[m], sq = new float[m];
        for (int i = 0; i < n; i++) {
            SCALAR.add(a, i * m, rows, m);
            SCALAR.addSquaredDiff(a, i * m, mean, sq, m);
        }
        for (Simd s : VECTOR == null ? new Simd[] {SCALAR} : new Simd[] {SCALAR, VECTOR}) {
            // no fma and the same order: bit-identical to adding the rows one by one, on both paths
            float[] out = rand(r, m);
            s.colSums(a, null, 1f, n, m, out);
            assertThat(out).as(s.name()).isEqualTo(rows);
            s.colSums(a, mean, 1f, n, m, out);
            assertThat(out).as(s.name()).isEqualTo(sq);
            // the factor multiplies once after the sum, as scale() does
            float[] scaled = rows.clone();
            SCALAR.scale(0.25f / n, scaled, 0, m);
            s.colSums(a, null, 0.25f / n, n, m, out);
            assertThat(out).as(s.name()).isEqualTo(scaled);
        }
    }

    @Test
    void fastTanhIsWithinOneUlpOfMathTanh() {
        int worst = 0;
        for (float x = -10f; x <= 10f; x += 1.3e-4f) {
            float ref = (float) Math.tanh(x);
            int ulps = Math.abs(Float.floatToIntBits(FastMath.tanh(x)) - Float.floatToIntBits(ref));
            worst = Math.max(worst, ulps);
        }
        assertThat(worst).isLessThanOrEqualTo(1);
        assertThat(FastMath.tanh(1e-6f)).isEqualTo(1e-6f);
        assertThat(FastMath.tanh(50f)).isEqualTo(1f);
        assertThat(FastMath.tanh(-50f)).isEqualTo(-1f);
    }

    @Test
    void fastExpIsWithinTwoUlpsOfMathExp() {
        int worst = 0;
        for (float x = -80f; x <= 80f; x += 7.1e-4f) {
            float ref = (float) Math.exp(x);
            int ulps = Math.abs(Float.floatToIntBits(FastMath.exp(x)) - Float.floatToIntBits(ref));
            worst = Math.max(worst, ulps);
        }
        assertThat(worst).isLessThanOrEqualTo(2);
        assertThat(FastMath.exp(0f)).isEqualTo(1f);
        assertThat(FastMath.exp(-200f)).isLessThan(1e-37f);
    }

    @Test
    void vectorLanesComputeExactlyTheScalarFastMath() {
        if (VECTOR == null) {
            return;
        }
        Random r = new Random(1);
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 4);
        }
        float[] h1 = new float[x.length], h2 = new float[x.length];
        VECTOR.tanh(x, 0, h2, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            h1[i] = FastMath.tanh(x[i]);
        }
        assertThat(h2).isEqualTo(h1);
        float[] e2 = new float[x.length];
        VECTOR.expShiftSum(x, 0, 0f, e2, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            h1[i] = FastMath.exp(x[i]);
        }
        assertThat(e2).isEqualTo(h1);
    }
}
