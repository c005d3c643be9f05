package ninja.tensor;

import ninja.tensor.Tensor;

/**
 * The kernels of the notebook's batch normalisation ({@link ninja.nn.NotebookBatchNorm}, which keeps the lecture's
 * chunks, line for line, and their atomic backward): Exercise 3's fused backward, the loop the fast training step
 * runs, and torch's float rsqrt.
 */
public final class BatchNormKernels {
    public static final float EPS = 1e-5f;
    private static final ninja.tensor.Simd SIMD = ninja.tensor.Simd.INSTANCE;

    private BatchNormKernels() {
    }

    /** x**-0.5 as torch computes it for float: 1 / sqrt(x), each rounded to float. */
    public static float rsqrt(float x) {
        return 1.0f / (float) Math.sqrt(x);
    }

    /** The fused batchnorm backward on row-major arrays ([n, h] activations, [h] statistics). */
    public static void fusedBackward(float[] dhpreact, float[] bnraw, float[] bngain, float[] bnvarInv,
            float[] dhprebn, float[] dbngain, float[] dbnbias, int n, int h) {
        fusedBackward(dhpreact, bnraw, bngain, bnvarInv, dhprebn, dbngain, dbnbias, n, h, new float[h]);
    }

    /**
     * The same with a scratch array of h floats for the per-unit factor {@code bngain * bnvar_inv / n}, so the
     * fast training step runs it without allocating. Two passes over the rows: the two sums, then dhprebn.
     */
    public static void fusedBackward(float[] dhpreact, float[] bnraw, float[] bngain, float[] bnvarInv,
            float[] dhprebn, float[] dbngain, float[] dbnbias, int n, int h, float[] scale) {
        java.util.Arrays.fill(dbngain, 0, h, 0f);
        java.util.Arrays.fill(dbnbias, 0, h, 0f);
        for (int i = 0; i < n; i++) {
            SIMD.bnSums(dhpreact, bnraw, i * h, dbngain, dbnbias, 0, h);  // dbnbias = sum_0(dhpreact), dbngain = sum_0(dhpreact * bnraw)
        }
        float fn = n;
        float bessel = (float) ((double) n / (n - 1));  // n/(n-1)
        for (int j = 0; j < h; j++) {
            scale[j] = bngain[j] * bnvarInv[j] / fn;  // bngain * bnvar_inv / n
        }
        for (int i = 0; i < n; i++) {
            SIMD.bnBackwardRow(dhpreact, bnraw, i * h, scale, dbnbias, dbngain, fn, bessel, dhprebn, h);
        }
    }
}
