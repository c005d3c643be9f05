package ninja.train;

import ninja.data.ContextDataset;
import ninja.model.CrossEntropy;
import ninja.model.Parameters;

/**
 * The lecture's {@code split_loss}: mean cross-entropy over a whole split, batchnorm in eval mode
 * ({@code hpreact = bngain * (hprebn - bnmean) * (bnstd**2 + 1e-5)**-0.5 + bnbias}).
 * Minimal version (chunks of rows, per-chunk float losses summed in double in chunk order); the performance
 * work replaces it with the same signature.
 */
public final class Evaluation {
    static final int CHUNK = 512;

    private Evaluation() {
    }

    public static float loss(Parameters p, ContextDataset d) {
        int rows = d.size(), block = d.blockSize(), v = p.vocabSize();
        if (rows == 0) {
            throw new IllegalArgumentException("cannot evaluate on an empty split");
        }
        if (block != p.blockSize()) {
            throw new IllegalArgumentException("the data has block size " + block + " but the model " + p.blockSize());
        }
        EvalForward f = new EvalForward(p, CHUNK);
        float[] logits = new float[CHUNK * v];
        int[] xb = new int[CHUNK * block];
        double total = 0;
        for (int start = 0; start < rows; start += CHUNK) {
            int n = Math.min(CHUNK, rows - start);
            System.arraycopy(d.x(), start * block, xb, 0, n * block);
            int[] y = java.util.Arrays.copyOfRange(d.y(), start, start + n);
            f.logits(xb, n, logits);
            total += (double) CrossEntropy.fusedForwardBackward(logits, y, null, n, v) * n;
        }
        return (float) (total / rows);
    }
}
