package ninja.tensor;

/**
 * The loops shared by the readable atomic path ({@link Ops}) and the fast fused training step: three matmul
 * shapes, each with its inner loop over a contiguous row, and the two reductions. Row-major float arrays,
 * explicit sizes, no allocation.
 */
public final class Kernels {
    private static final Simd SIMD = Simd.INSTANCE;

    private Kernels() {
    }

    /** out[n,m] = a[n,k] @ b[k,m] (+ bias[m] when bias is not null). Inner loop: rows of b and out. */
    public static void matmul(float[] a, float[] b, float[] bias, float[] out, int n, int k, int m) {
        Parallel p = Parallel.current();
        if (p == null) {
            SIMD.gemm(a, k, 1, b, bias, out, 0, n, k, m);
        } else {
            p.gemm(a, k, 1, b, bias, out, n, k, m);
        }
    }

    /** out[n,m] = a[n,k] @ b[m,k]^T (+ bias[m]). Inner loop: a dot product of two rows of length k. */
    public static void matmulBT(float[] a, float[] b, float[] bias, float[] out, int n, int k, int m) {
        Parallel p = Parallel.current();
        if (p == null) {
            SIMD.gemmBT(a, b, bias, out, 0, n, k, m);
        } else {
            p.gemmBT(a, b, bias, out, n, k, m);
        }
    }

    /** Columns per panel of {@link #packBT}: the vector kernel's width (256-bit float vectors). */
    public static final int PANEL = 8;

    /** The length of {@link #packBT}'s output for b[m, k]. */
    public static int packedBTSize(int m, int k) {
        int w = Math.min(PANEL, m);
        return (m + w - 1) / w * w * k;
    }

    /**
     * b[m, k] packed for {@link #matmulBTPacked}: b^T cut into panels of w = min(8, m) columns, panel p holding columns
     * c = min(8p, m - w) .. c + w - 1 (the last one ends at column m, overlapping the one before) as [k, w]
     * row-major, one after the other. Each panel is read from w rows of b at once and written in order.
     */
    public static void packBT(float[] b, int m, int k, float[] bP) {
        int w = Math.min(PANEL, m);
        for (int j = 0, o = 0; j < m; j += w) {
            int c = Math.min(j, m - w);
            for (int t = 0; t < k; t++, o += w) {
                for (int q = 0; q < w; q++) {
                    bP[o + q] = b[(c + q) * k + t];
                }
            }
        }
    }

    /**
     * Whether {@link #matmulBTPacked} with the packing ({@link #packBT}, once per call) beats {@link #matmulBT} for
     * out[n,m] = a[n,k] @ b[m,k]^T. Measured (WaveNetKernelsBench inputGrad vs inputGradPacked, one thread, packing
     * included): k = 27 (n 32, m 128) 25 -> 10 us; k = 128 a tie at m = 48 and slower at m = 256 (the packing, 0.5 ns
     * an element, and three loads per two multiply-adds instead of seven per twelve); k = 200, m 27 or 30 (the MLP)
     * 5.5 -> 8.5 us. The horizontal sums that packing saves matter only for short dot products.
     */
    public static boolean packedBTPays(int n, int k, int m) {
        return k < 64 && m >= PANEL && n >= 16;
    }

    /**
     * {@link #matmulBT}'s result, bit for bit, from b[m, k] packed by {@link #packBT}: out[n,m] = a[n,k] @ b^T with
     * matmulBT's order of operations. Faster where k is small (no horizontal sums).
     */
    public static void matmulBTPacked(float[] a, float[] bP, float[] bias, float[] out, int n, int k, int m) {
        Parallel p = Parallel.current();
        if (p == null) {
            SIMD.gemmBTPacked(a, bP, bias, out, 0, n, k, m);
        } else {
            p.gemmBTPacked(a, bP, bias, out, n, k, m);
        }
    }

    /** out[k,m] = a[n,k]^T @ b[n,m]. Inner loop: rows of b and out. */
    public static void matmulAT(float[] a, float[] b, float[] out, int n, int k, int m) {
        Parallel p = Parallel.current();
        if (p == null) {
            SIMD.gemm(a, 1, k, b, null, out, 0, k, n, m);
        } else {
            p.gemm(a, 1, k, b, null, out, k, n, m);
        }
    }

        /**
     * out[m] = sum over rows of a[n,m] in the order ATen's CPU {@code sum(0)} adds them ({@code multi_row_sum}
     * in SumKernel.cpp): rows go into a level-0 accumulator in blocks of 2^p rows (p = max(4, ceil(log2 n) / 4)),
     * each full block is carried into level 1 (and on into levels 2 and 3 every 2^p blocks), and the levels are
     * added at the end. The readable path uses it so that its sums round like the lecture's; the fast path keeps
     * its plain running sum.
     */
    public static void sumRowsTorchOrder(float[] a, float[] out, int n, int m) {
        final int levels = 4;
        int ceilLog2 = n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
        int power = Math.max(4, ceilLog2 / levels);
        int step = 1 << power;
        int mask = step - 1;
        float[][] acc = new float[levels][m];
        int i = 0;
        while (i + step <= n) {
            for (int r = 0; r < step; r++, i++) {
                SIMD.add(a, i * m, acc[0], m);
            }
            for (int l = 1; l < levels; l++) {
                SIMD.add(acc[l - 1], 0, acc[l], m);
                java.util.Arrays.fill(acc[l - 1], 0f);
                if ((i & (mask << (l * power))) != 0) {
                    break;
                }
            }
        }
        for (; i < n; i++) {
            SIMD.add(a, i * m, acc[0], m);
        }
        for (int l = 1; l < levels; l++) {
            SIMD.add(acc[l], 0, acc[0], m);
        }
        System.arraycopy(acc[0], 0, out, 0, m);
    }

/** out[m] = sum over rows of a[n,m] (torch's {@code a.sum(0)}). */
    public static void sumRows(float[] a, float[] out, int n, int m) {
        SIMD.colSums(a, null, 1f, n, m, out);
    }

    /** out[n] = sum over columns of a[n,m] (torch's {@code a.sum(1)}). */
    public static void sumCols(float[] a, float[] out, int n, int m) {
        for (int i = 0; i < n; i++) {
            float s = 0f;
            for (int j = 0; j < m; j++) {
                s += a[i * m + j];
            }
            out[i] = s;
        }
    }
}
