package ninja.train;

import ninja.data.ContextDataset;
import ninja.model.Mlp;
import ninja.model.Parameters;

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

    /** hprebn = embcat @ W1 + b1 (the first layers of {@link Mlp#layers}) for consecutive chunks of the data. */
    private static void forEachChunk(Parameters p, ContextDataset d, ChunkConsumer c) {
        SequentialEval.forEachChunk(Mlp.layers(p), d, Mlp.HPREBN, hprebn -> c.accept(hprebn.data(), hprebn.dim(0)));
    }
}
