package ninja.train;

import java.util.ArrayList;
import java.util.List;
import ninja.data.ContextDataset;
import ninja.data.Vocabulary;
import ninja.nn.CrossEntropyLoss;
import ninja.nn.Sequential;
import ninja.rng.Multinomial;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;

/**
 * A layer model in eval mode (running or calibrated batchnorm statistics): the loss over a whole split, as the
 * lecture's {@code split_loss} computes it, the model's inputs of one layer over a split (calibration), and the
 * sampling loop. Every model, the MLP's and the WaveNet's, goes through here.
 */
public final class SequentialEval {
    /** Rows per forward pass: big enough for the matmul kernels, small enough for the L2 cache. */
    static final int CHUNK = 512;
    /** From this many chunks on (8,192 rows) the second core evaluates half of them. */
    static final int PARALLEL_CHUNKS = 16;

    private SequentialEval() {
    }

    /** {@code F.cross_entropy(model(X), Y)} over the whole split, in eval mode. */
    public static double loss(Sequential model, ContextDataset d) {
        return loss(model, d, true);
    }

    /**
     * Deterministic: fixed chunks, each chunk's float loss times its rows added in double in chunk order, so the
     * result is the same on one thread or two ({@code twoThreads} false: always the calling thread).
     */
    static double loss(Sequential model, ContextDataset d, boolean twoThreads) {
        int rows = d.size();
        if (rows == 0) {
            throw new IllegalArgumentException("cannot evaluate on an empty split");
        }
        int chunks = (rows + CHUNK - 1) / CHUNK;
        double[] chunkSums = new double[chunks];
        if (!twoThreads || chunks < PARALLEL_CHUNKS) {
            lossChunks(model, d, chunkSums, 0, chunks);
        } else {
            // the second core takes the second half of the chunks with plans of its own; each chunk's sum is the
            // same whoever computes it, and they are added below in chunk order: bit-identical to one thread
            int half = chunks / 2;
            Throwable[] failed = new Throwable[1];
            Thread helper = new Thread(() -> {
                try {
                    lossChunks(model, d, chunkSums, half, chunks);
                } catch (Throwable t) {
                    failed[0] = t;
                }
            }, "ninja-eval");
            helper.start();
            lossChunks(model, d, chunkSums, 0, half);
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
        return total / rows;
    }

    private static void lossChunks(Sequential model, ContextDataset d, double[] chunkSums, int from, int to) {
        Chunks c = new Chunks(model, d);
        for (int k = from; k < to; k++) {
            Tensor logits = c.forward(k, model.layers().size());
            int start = k * CHUNK, n = logits.dim(0);
            int[] y = java.util.Arrays.copyOfRange(d.y(), start, start + n);
            chunkSums[k] = (double) new CrossEntropyLoss(n, logits.dim(1)).forward(logits, y) * n;
        }
    }

    /** What the first {@code layers} layers output (eval mode) for each chunk of d, in order, to a consumer. */
    public static void forEachChunk(Sequential model, ContextDataset d, int layers, java.util.function.Consumer<Tensor> c) {
        Chunks chunks = new Chunks(model, d);
        for (int k = 0; k * CHUNK < d.size(); k++) {
            c.accept(chunks.forward(k, layers));
        }
    }

    /** Plans for a full chunk and for the last, shorter one; the contexts copied in as the Embedding's indices. */
    private static final class Chunks {
        private final Sequential model;
        private final ContextDataset d;
        private Tensor x;
        private Sequential.SequentialPlan plan;

        Chunks(Sequential model, ContextDataset d) {
            this.model = model;
            this.d = d;
        }

        Tensor forward(int k, int layers) {
            int block = d.blockSize(), start = k * CHUNK, n = Math.min(CHUNK, d.size() - start);
            if (x == null || x.dim(0) != n) {
                x = Tensor.zeros(n, block);
                plan = model.plan(x.shape());
            }
            float[] xs = x.data();
            int[] ctx = d.x();
            for (int i = 0; i < n * block; i++) {
                xs[i] = ctx[start * block + i];
            }
            return plan.forward(x, false, layers);
        }
    }

    /**
     * The lecture's sampling loop: context of '.', eval-mode forward, {@code probs = F.softmax(logits, dim=1)},
     * {@code ix = torch.multinomial(probs, num_samples=1, generator=g)}, shift ix in, stop at '.' (or after
     * {@link Sampler#MAX_LENGTH} characters, so a degenerate model cannot loop forever).
     */
    public static List<String> sample(Sequential model, Vocabulary vocab, int blockSize, int count, TorchGenerator g) {
        List<String> names = new ArrayList<>(count);
        sample(model, vocab, blockSize, count, g, names::add);
        return names;
    }

    /** The same names, handed one by one to {@code sink} as they are drawn; stops early when it returns false. */
    public static void sample(Sequential model, Vocabulary vocab, int blockSize, int count, TorchGenerator g,
            java.util.function.Predicate<String> sink) {
        Tensor x = Tensor.zeros(1, blockSize);
        Sequential.SequentialPlan plan = model.plan(x.shape());
        int v = model.outShape(x.shape())[1];
        if (v != vocab.size()) {
            throw new IllegalArgumentException("vocabulary of " + vocab.size() + " characters, model of " + v);
        }
        float[] probs = new float[v];
        for (int k = 0; k < count; k++) {
            int[] context = new int[blockSize];                          // context = [0] * block_size
            int[] out = new int[Sampler.MAX_LENGTH];
            int len = 0;
            while (len < Sampler.MAX_LENGTH) {
                for (int i = 0; i < blockSize; i++) {
                    x.data()[i] = context[i];
                }
                System.arraycopy(plan.forward(x, false).data(), 0, probs, 0, v);
                Sampler.softmax(probs);                                  // probs = F.softmax(logits, dim=1)
                int ix = Multinomial.sample(probs, g);                   // torch.multinomial(probs, 1, generator=g)
                if (ix == Vocabulary.END) {
                    break;
                }
                System.arraycopy(context, 1, context, 0, blockSize - 1); // context = context[1:] + [ix]
                context[blockSize - 1] = ix;
                out[len++] = ix;
            }
            if (!sink.test(vocab.decode(out, len))) {
                return;
            }
        }
    }
}
