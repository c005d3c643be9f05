package ninja.train;

import ninja.model.BatchNorm;
import ninja.model.Embedding;
import ninja.model.Parameters;
import ninja.tensor.Kernels;

/**
 * The lecture's eval-mode forward pass (split_loss and the sampling loop), for a block of rows:
 * <pre>
 * embcat  = C[x].view(n, -1)
 * hpreact = embcat @ W1 + b1
 * hpreact = bngain * (hpreact - bnmean) * (bnvar + 1e-5)**-0.5 + bnbias      with bnvar = bnstd**2
 * h       = tanh(hpreact)
 * logits  = h @ W2 + b2
 * </pre>
 * Batchnorm uses the stored statistics, not the batch's, so one row can be evaluated alone. The parameters keep
 * the standard deviation ({@link Parameters#bnstd}); its square stands in for the lecture's bnvar.
 * Scratch buffers are owned by the instance, sized for {@code maxRows}.
 */
final class EvalForward {
    private final Parameters p;
    private final int maxRows;
    private final float[] embcat;
    private final float[] hid;
    /** (bnstd^2 + 1e-5)^-0.5 per hidden unit, computed once. */
    private final float[] bnvarInv;

    EvalForward(Parameters p, int maxRows) {
        this.p = p;
        this.maxRows = maxRows;
        this.embcat = new float[maxRows * p.W1.dim(0)];
        this.hid = new float[maxRows * p.nHidden()];
        this.bnvarInv = new float[p.nHidden()];
        for (int j = 0; j < bnvarInv.length; j++) {
            float std = p.bnstd.data()[j];
            bnvarInv[j] = BatchNorm.rsqrt(std * std + BatchNorm.EPS);
        }
    }

    /** Writes logits[n, V] for the n contexts in xb (row-major [n, block]). */
    void logits(int[] xb, int n, float[] logits) {
        if (n > maxRows) {
            throw new IllegalArgumentException(n + " rows, at most " + maxRows);
        }
        int fanIn = p.W1.dim(0), h = p.nHidden(), v = p.vocabSize();
        Embedding.lookup(p.C.data(), p.nEmbd(), xb.length == n * p.blockSize() ? xb
                : java.util.Arrays.copyOf(xb, n * p.blockSize()), embcat);
        Kernels.matmul(embcat, p.W1.data(), p.b1.data(), hid, n, fanIn, h);
        normTanh(hid, n);
        Kernels.matmul(hid, p.W2.data(), p.b2.data(), logits, n, h, v);
    }

    /** hpreact = bngain * (hprebn - bnmean) * bnvar_inv + bnbias; h = tanh(hpreact), in place, lecture's order. */
    private void normTanh(float[] x, int n) {
        int h = p.nHidden();
        float[] gain = p.bngain.data(), bias = p.bnbias.data(), mean = p.bnmean.data();
        for (int i = 0; i < n; i++) {
            int r = i * h;
            for (int j = 0; j < h; j++) {
                float hpreact = gain[j] * (x[r + j] - mean[j]) * bnvarInv[j] + bias[j];
                x[r + j] = (float) Math.tanh(hpreact);
            }
        }
    }
}
