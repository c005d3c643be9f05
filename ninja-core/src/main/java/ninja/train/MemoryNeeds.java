package ninja.train;

import ninja.model.Config;

/**
 * What a configuration needs of the Java heap, estimated from the arrays the code allocates (float32, 4 bytes),
 * so that a run too big for the heap is refused before it starts instead of dying in calibration with the trained
 * model lost. V vocabulary, E n_embd, F = block * E, H n_hidden, n batch:
 * <ul>
 * <li>parameters: C [V,E], W1 [F,H], b1, W2 [H,V], b2, bngain, bnbias, bnmean, bnstd;</li>
 * <li>training ({@link TrainStep}): a gradient and W2's transposed copy, about the parameters again, and the batch's
 * activations n (2F + 5H + 2V) plus its indices;</li>
 * <li>evaluation and calibration: two threads' chunks of {@link Evaluation#CHUNK} rows of F + H + V,
 * {@link Calibration#CHUNK} rows of F + H;</li>
 * <li>checkpoints: a copy of the parameters and its serialized bytes.</li>
 * </ul>
 * {@code largestArray} is the longest single array, which Java caps at 2^31 - 1 elements whatever the heap.
 */
public record MemoryNeeds(long parameters, long training, long evaluation, long checkpoints, long largestArray,
        String largestArrayName) {
    static final long FLOAT = 4;
    /** Java's largest array length (a little under Integer.MAX_VALUE on HotSpot). */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    public static MemoryNeeds of(Config c, int vocab) {
        long v = vocab, e = c.nEmbd(), f = (long) c.blockSize() * c.nEmbd(), h = c.nHidden(), n = c.batchSize();
        long params = v * e + f * h + h + h * v + v + 4 * h;
        long training = params + h * v + n * (2 * f + 5 * h + 2 * v) + n * (c.blockSize() + 2L) + 5 * h;
        long evaluation = h * v + 2L * SequentialEval.CHUNK * (f + h + v) + (long) SequentialEval.CHUNK * (f + h);
        long[] arrays = {n * h, n * f, n * v, f * h, h * v, n * c.blockSize(), (long) SequentialEval.CHUNK * h};
        String[] names = {"batch x n_hidden", "batch x block*n_embd", "batch x vocabulary", "W1", "W2",
            "batch x block", "calibration chunk"};
        int largest = 0;
        for (int i = 1; i < arrays.length; i++) {
            if (arrays[i] > arrays[largest]) {
                largest = i;
            }
        }
        return new MemoryNeeds(params * FLOAT, training * FLOAT, evaluation * FLOAT, 2 * params * FLOAT,
                arrays[largest], names[largest]);
    }

    /**
     * The WaveNet's: parameters (value and gradient), each layer's plan (output and input gradient, batchnorm's xhat)
     * for a batch and for an evaluation chunk, two checkpoint copies. The largest array is a Linear's weight or the
     * embedding's output.
     */
    public static MemoryNeeds of(ninja.model.WaveNetConfig c, int vocab) {
        long v = vocab, e = c.nEmbd(), h = c.nHidden(), n = c.batchSize(), t = c.blockSize();
        long widest = 2 * Math.max(e, h) * h;
        long params = v * e + 2 * e * h + (c.levels() - 1L) * 2 * h * h + 4L * c.levels() * h + h * v + v;
        // rows halve at each level: at most n*t/2 rows of h per layer, seven such arrays per level, plus the embedding
        long perRow = 2 * e + 7 * h + 2 * v;
        long training = params + n * t * perRow;
        long evaluation = (long) SequentialEval.CHUNK * t * perRow;
        long[] arrays = {widest, n * t * e, (long) SequentialEval.CHUNK * t * e};
        String[] names = {"a Linear weight (2 x n_hidden x n_hidden)", "batch x block x n_embd",
            "evaluation chunk x block x n_embd"};
        int largest = arrays[0] >= arrays[1] && arrays[0] >= arrays[2] ? 0 : arrays[1] >= arrays[2] ? 1 : 2;
        return new MemoryNeeds(2 * params * FLOAT, training * FLOAT, evaluation * FLOAT, 2 * params * FLOAT,
                arrays[largest], names[largest]);
    }

    /** Everything a training run holds at its peak (an overestimate: not every part is alive at once). */
    public long forTraining() {
        return parameters + training + evaluation + checkpoints;
    }

    /** What eval needs on top of the loaded checkpoint. */
    public long forEvaluation() {
        return parameters + evaluation;
    }

    /** The share of {@link #forTraining} that grows with the batch (the rest grows with n_hidden). */
    public boolean batchDominates(Config c, int vocab) {
        long n = c.batchSize(), f = (long) c.blockSize() * c.nEmbd(), h = c.nHidden();
        long byBatch = FLOAT * (n * (2 * f + 5 * h + 2 * vocab) + n * (c.blockSize() + 2L));
        return byBatch > forTraining() - byBatch;
    }

    /** Whether {@code bytes} fit in what the heap can still give (its maximum minus what is in use). */
    public static boolean fits(long bytes) {
        if (bytes <= heapAvailable()) {
            return true;
        }
        System.gc();                    // garbage counts as in use until collected: ask once before refusing
        return bytes <= heapAvailable();
    }

    public static long heapAvailable() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    public static String gb(long bytes) {
        return String.format(java.util.Locale.ROOT, bytes >= 1L << 30 ? "%.1f GB" : "%.0f MB",
                bytes >= 1L << 30 ? bytes / (double) (1L << 30) : bytes / (double) (1L << 20));
    }
}
