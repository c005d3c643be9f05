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
 * Runs in chunks of 512 rows; deterministic: fixed chunking, each chunk's float loss sum added in double in chunk
 * order, so the result is the same on one thread or two (large splits use the second core).
 */
public final class Evaluation {
    /** Rows per chunk: big enough for the matmul kernels, small enough for the L2 cache. */
    static final int CHUNK = 512;
    /** From this many chunks on (8,192 rows) the second core evaluates half of them. */
    static final int PARALLEL_CHUNKS = 16;
    private static final Simd SIMD = Simd.INSTANCE;

    private Evaluation() {
    }

    /** Mean loss of the model over every example of {@code d} (p as it is: call TrainStep.parameters() first). */
    public static double loss(Parameters p, ContextDataset d) {
        return loss(p, d, true);
    }

    /** With {@code twoThreads} false, always on the calling thread (tests: the result must not change). */
    static double loss(Parameters p, ContextDataset d, boolean twoThreads) {
        int nRows = d.size();
        if (nRows == 0) {
            throw new IllegalArgumentException("cannot evaluate on an empty split");
        }
        if (d.blockSize() != p.blockSize()) {
            throw new IllegalArgumentException("the data has block size " + d.blockSize()
                    + " but the model was built for " + p.blockSize());
        }
        int h = p.nHidden(), v = p.vocabSize();
        float[] W2T = TrainStep.transpose(p.W2.data(), h, v);
        float[] inv = new float[h];
        for (int j = 0; j < h; j++) {
            float std = p.bnstd.data()[j];
            inv[j] = BatchNorm.rsqrt(std * std + BatchNorm.EPS);               // (bnstd**2 + 1e-5)**-0.5
        }
        int chunks = (nRows + CHUNK - 1) / CHUNK;
        double[] chunkSums = new double[chunks];
        Runnable all = () -> chunks(p, d, W2T, inv, chunkSums, 0, chunks);
        if (!twoThreads || chunks < PARALLEL_CHUNKS) {
            all.run();
        } else {
            // the second core: it computes the second half of the chunks with its own buffers. Each chunk's sum is
            // the same whoever computes it, and they are added below in chunk order: bit-identical to one thread
            int half = chunks / 2;
            Throwable[] failed = new Throwable[1];
            Thread helper = new Thread(() -> {
                try {
                    chunks(p, d, W2T, inv, chunkSums, half, chunks);
                } catch (Throwable t) {
                    failed[0] = t;
                }
            }, "ninja-eval");
            helper.start();
            chunks(p, d, W2T, inv, chunkSums, 0, half);
            try {
                helper.join();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while evaluating", ex);
            }
            if (failed[0] != null) {
                throw new IllegalStateException("evaluation failed: " + failed[0], failed[0]);
            }
        }
        double total = 0;
        for (double c : chunkSums) {
            total += c;
        }
        return total / nRows;
    }

    /** Chunks [from, to): sum of the losses of each chunk's rows into chunkSums, with buffers of its own. */
    private static void chunks(Parameters p, ContextDataset d, float[] W2T, float[] inv, double[] chunkSums, int from,
            int to) {
        int e = p.nEmbd(), h = p.nHidden(), v = p.vocabSize(), fanIn = p.W1.dim(0), block = d.blockSize();
        int nRows = d.size();
        float[] embcat = new float[CHUNK * fanIn];
        float[] hid = new float[CHUNK * h];
        float[] logits = new float[CHUNK * v];
        for (int c = from; c < to; c++) {
            int start = c * CHUNK;
            int n = Math.min(CHUNK, nRows - start);
            int[] xb = java.util.Arrays.copyOfRange(d.x(), start * block, (start + n) * block);
            int[] yb = java.util.Arrays.copyOfRange(d.y(), start, start + n);
            Embedding.lookup(p.C.data(), e, xb, embcat);                        // emb = C[x]
            Kernels.matmul(embcat, p.W1.data(), p.b1.data(), hid, n, fanIn, h);  // hpreact = embcat @ W1 + b1
            for (int i = 0; i < n; i++) {                                       // h = tanh(bngain * bnraw + bnbias)
                SIMD.normTanh(hid, p.bnmean.data(), inv, p.bngain.data(), p.bnbias.data(), null, hid, i * h, h);
            }
            Kernels.matmulBT(hid, W2T, p.b2.data(), logits, n, h, v);           // logits = h @ W2 + b2
            chunkSums[c] = (double) CrossEntropy.fusedForwardBackward(logits, yb, null, n, v) * n;
        }
    }
}
