package ninja.train;

import ninja.data.ContextDataset;
import ninja.model.Embedding;
import ninja.model.Parameters;
import ninja.tensor.Kernels;

/**
 * The lecture's "calibrate the batch norm at the end of training": pass the whole training set through the first
 * layer and measure
 * <pre>
 * bnmean = hprebn.mean(0, keepdim=True)
 * bnvar  = hprebn.var(0, keepdim=True, unbiased=True)
 * </pre>
 * The parameters keep a standard deviation, so this stores {@code bnstd = sqrt(bnvar)} (rounded to float) and eval
 * computes {@code (bnstd^2 + 1e-5)^-0.5}: equal to the lecture's {@code (bnvar + 1e-5)^-0.5} up to the rounding of
 * the square root and its square (a relative 1e-7). Two passes in chunks (mean, then squared deviations), sums in
 * double: no 182k x 200 matrix is held in memory.
 */
public final class Calibration {
    static final int CHUNK = 1024;

    private Calibration() {
    }

    public static void calibrate(Parameters p, ContextDataset train) {
        int rows = train.size(), h = p.nHidden();
        if (rows < 2) {
            throw new IllegalArgumentException("calibration needs at least 2 training examples, got " + rows);
        }
        double[] sum = new double[h];
        forEachChunk(p, train, (hprebn, n) -> {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < h; j++) {
                    sum[j] += hprebn[i * h + j];
                }
            }
        });
        double[] mean = new double[h];
        for (int j = 0; j < h; j++) {
            mean[j] = sum[j] / rows;
        }
        double[] sq = new double[h];
        forEachChunk(p, train, (hprebn, n) -> {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < h; j++) {
                    double d = hprebn[i * h + j] - mean[j];
                    sq[j] += d * d;
                }
            }
        });
        for (int j = 0; j < h; j++) {
            p.bnmean.data()[j] = (float) mean[j];
            p.bnstd.data()[j] = (float) Math.sqrt((float) (sq[j] / (rows - 1)));
        }
    }

    private interface ChunkConsumer {
        void accept(float[] hprebn, int n);
    }

    /** hprebn = embcat @ W1 + b1 for consecutive chunks of the data. */
    private static void forEachChunk(Parameters p, ContextDataset d, ChunkConsumer c) {
        int block = d.blockSize(), fanIn = p.W1.dim(0), h = p.nHidden();
        float[] embcat = new float[CHUNK * fanIn];
        float[] hprebn = new float[CHUNK * h];
        for (int start = 0; start < d.size(); start += CHUNK) {
            int n = Math.min(CHUNK, d.size() - start);
            int[] xb = java.util.Arrays.copyOfRange(d.x(), start * block, (start + n) * block);
            Embedding.lookup(p.C.data(), p.nEmbd(), xb, embcat);
            Kernels.matmul(embcat, p.W1.data(), p.b1.data(), hprebn, n, fanIn, h);
            c.accept(hprebn, n);
        }
    }
}
