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

    /**
     * {@link #matmulBT}'s result, bit for bit, from {@code bT = b^T} ([k, m], see {@link #transpose}): out[n,m] =
     * a[n,k] @ bT with matmulBT's order of operations. Faster where k is small (no horizontal sums).
     */
    public static void matmulBTransposed(float[] a, float[] bT, float[] bias, float[] out, int n, int k, int m) {
        Parallel p = Parallel.current();
        if (p == null) {
            SIMD.gemmBTt(a, bT, bias, out, 0, n, k, m);
        } else {
            p.gemmBTt(a, bT, bias, out, n, k, m);
        }
    }

    /** to[c, r] = from[r, c] for from [rows, cols]: in 8 x 8 tiles, so both sides stay in cache lines. */
    public static void transpose(float[] from, int rows, int cols, float[] to) {
        final int tile = 8;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int r1 = Math.min(r0 + tile, rows);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(c0 + tile, cols);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        to[c * rows + r] = from[r * cols + c];
                    }
                }
            }
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
