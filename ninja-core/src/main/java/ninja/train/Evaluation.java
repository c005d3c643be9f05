package ninja.train;

import ninja.data.ContextDataset;
import ninja.model.BatchNorm;
import ninja.model.CrossEntropy;
import ninja.model.Embedding;
import ninja.model.Parameters;
import ninja.tensor.Kernels;
import ninja.tensor.Simd;

/**
 * The lecture's {@code split_loss}: the mean cross-entropy over a whole split, batchnorm in eval mode with the
 * running (or calibrated) statistics:
 * <pre>
 * hpreact = bngain * (hprebn - bnmean) * (bnstd**2 + 1e-5)**-0.5 + bnbias
 * </pre>
 * Runs in chunks of rows with preallocated buffers; deterministic (fixed chunking, per-chunk float sums added in
 * double in chunk order).
 */
public final class Evaluation {
    /** Rows per chunk: big enough for the matmul kernels, small enough for the L2 cache. */
    static final int CHUNK = 512;
    private static final Simd SIMD = Simd.INSTANCE;

    private Evaluation() {
    }

    /** Mean loss of the model over every example of {@code d}. */
    public static double loss(Parameters p, ContextDataset d) {
        int nRows = d.size();
        if (nRows == 0) {
            throw new IllegalArgumentException("cannot evaluate on an empty split");
        }
        if (d.blockSize() != p.blockSize()) {
            throw new IllegalArgumentException("the data has block size " + d.blockSize()
                    + " but the model was built for " + p.blockSize());
        }
        int e = p.nEmbd(), h = p.nHidden(), v = p.vocabSize(), fanIn = p.W1.dim(0), block = d.blockSize();
        float[] W2T = TrainStep.transpose(p.W2.data(), h, v);
        float[] inv = new float[h];
        for (int j = 0; j < h; j++) {
            float std = p.bnstd.data()[j];
            inv[j] = BatchNorm.rsqrt(std * std + BatchNorm.EPS);               // (bnstd**2 + 1e-5)**-0.5
        }
        float[] embcat = new float[CHUNK * fanIn];
        float[] hid = new float[CHUNK * h];
        float[] logits = new float[CHUNK * v];
        int[] xb = new int[CHUNK * block];
        int[] yb = new int[CHUNK];
        double total = 0;
        for (int start = 0; start < nRows; start += CHUNK) {
            int n = Math.min(CHUNK, nRows - start);
            System.arraycopy(d.x(), start * block, xb, 0, n * block);
            System.arraycopy(d.y(), start, yb, 0, n);
            Embedding.lookup(p.C.data(), e, n * block == xb.length ? xb : java.util.Arrays.copyOf(xb, n * block), embcat);
            Kernels.matmul(embcat, p.W1.data(), p.b1.data(), hid, n, fanIn, h);
            for (int i = 0; i < n; i++) {                                      // h = tanh(bngain * bnraw + bnbias)
                SIMD.normTanh(hid, p.bnmean.data(), inv, p.bngain.data(), p.bnbias.data(), null, hid, i * h, h);
            }
            Kernels.matmulBT(hid, W2T, p.b2.data(), logits, n, h, v);
            int[] y = n == CHUNK ? yb : java.util.Arrays.copyOf(yb, n);
            total += (double) CrossEntropy.fusedForwardBackward(logits, y, null, n, v) * n;
        }
        return total / nRows;
    }
}
