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
        SIMD.gemm(a, k, 1, b, bias, out, n, k, m);
    }

    /** out[n,m] = a[n,k] @ b[m,k]^T (+ bias[m]). Inner loop: a dot product of two rows of length k. */
    public static void matmulBT(float[] a, float[] b, float[] bias, float[] out, int n, int k, int m) {
        SIMD.gemmBT(a, b, bias, out, n, k, m);
    }

    /** out[k,m] = a[n,k]^T @ b[n,m]. Inner loop: rows of b and out. */
    public static void matmulAT(float[] a, float[] b, float[] out, int n, int k, int m) {
        SIMD.gemm(a, 1, k, b, null, out, k, n, m);
    }

    /** out[m] = sum over rows of a[n,m] (torch's {@code a.sum(0)}). */
    public static void sumRows(float[] a, float[] out, int n, int m) {
        java.util.Arrays.fill(out, 0, m, 0f);
        for (int i = 0; i < n; i++) {
            SIMD.add(a, i * m, out, m);
        }
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
