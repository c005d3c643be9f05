package ninja.tensor;

/**
 * The kernel of the mean cross-entropy ({@link ninja.nn.CrossEntropyLoss}, which keeps the lecture's eight chunks and
 * their atomic backward): Exercise 2's fused loss and dlogits, the loop the fast training step runs.
 */
public final class CrossEntropyKernels {
    private static final ninja.tensor.Simd SIMD = ninja.tensor.Simd.INSTANCE;
    private CrossEntropyKernels() {
    }

    /**
     * Loss and dlogits on row-major arrays: softmax with the max subtracted, the loss as
     * {@code log(sum exp) - (logit_y - max)}, then {@code dlogits = (probs - onehot) / n}.
     * {@code dlogits} may be null for a forward-only pass.
     */
    public static float fusedForwardBackward(float[] logits, int[] yb, float[] dlogits, int n, int v) {
        float lossSum = 0f;
        for (int i = 0; i < n; i++) {
            lossSum += rowTerm(logits, yb, dlogits, i, n, v);
        }
        return lossSum / n;
    }

    /** The loss from the rows' terms ({@link #rowTerm}), added in row order as {@link #fusedForwardBackward} adds them. */
    public static float mean(float[] terms, int n) {
        float lossSum = 0f;
        for (int i = 0; i < n; i++) {
            lossSum += terms[i];
        }
        return lossSum / n;
    }

    /**
     * Row i of {@link #fusedForwardBackward}: its term of the loss sum, {@code log(sum exp) - (logit_y - max)}, and
     * (dlogits not null) its row of dlogits, divided by the batch size n. Rows are independent: a step may compute
     * them on two threads and add the terms in row order afterwards, to the same bits.
     */
    public static float rowTerm(float[] logits, int[] yb, float[] dlogits, int i, int n, int v) {
        int r = i * v;
        float max = SIMD.max(logits, r, v);
        float sum = SIMD.expShiftSum(logits, r, max, dlogits, r, v);  // counts = exp(logits - max)
        float term = (float) Math.log(sum) - (logits[r + yb[i]] - max);
        if (dlogits != null) {
            float fn = n;
            float inv = 1.0f / sum;
            float py = dlogits[r + yb[i]] * inv;
            SIMD.scaleDiv(dlogits, r, inv, fn, v);  // probs / n
            dlogits[r + yb[i]] = (py - 1.0f) / fn;  // (probs - 1) / n at the target
        }
        return term;
    }
}
