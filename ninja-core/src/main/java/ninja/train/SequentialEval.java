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
 * A layer model in eval mode (running batchnorm statistics): the loss over a whole split, as the notebook's
 * {@code split_loss} computes it, and the sampling loop.
 */
public final class SequentialEval {
    /** Rows per forward pass over a split: large enough for the matmuls, small enough to stay in cache. */
    static final int CHUNK = 1024;

    private SequentialEval() {
    }

    /** {@code F.cross_entropy(model(X), Y)} over the whole split, in eval mode; the mean in double. */
    public static double loss(Sequential model, ContextDataset d) {
        int block = d.blockSize(), n = d.size();
        if (n == 0) {
            throw new IllegalArgumentException("cannot evaluate on an empty split");
        }
        double sum = 0;
        Sequential.SequentialPlan plan = null;
        CrossEntropyLoss ce = null;
        Tensor x = null;
        for (int from = 0; from < n; from += CHUNK) {
            int rows = Math.min(CHUNK, n - from);
            if (x == null || x.dim(0) != rows) {
                x = Tensor.zeros(rows, block);
                plan = model.plan(x.shape());
                ce = new CrossEntropyLoss(rows, model.outShape(x.shape())[1]);
            }
            float[] xs = x.data();
            int[] ctx = d.x();
            for (int i = 0; i < rows * block; i++) {
                xs[i] = ctx[from * block + i];
            }
            int[] y = java.util.Arrays.copyOfRange(d.y(), from, from + rows);
            sum += (double) ce.forward(plan.forward(x, false), y) * rows;
        }
        return sum / n;
    }

    /**
     * The notebook's sampling loop: context of '.', eval-mode forward, {@code probs = F.softmax(logits, dim=1)},
     * {@code ix = torch.multinomial(probs, num_samples=1)} from g, shift ix in, stop at '.'.
     */
    public static List<String> sample(Sequential model, Vocabulary vocab, int blockSize, int count, TorchGenerator g) {
        Tensor x = Tensor.zeros(1, blockSize);
        Sequential.SequentialPlan plan = model.plan(x.shape());
        int v = model.outShape(x.shape())[1];
        if (v != vocab.size()) {
            throw new IllegalArgumentException("vocabulary of " + vocab.size() + " characters, model of " + v);
        }
        float[] probs = new float[v];
        List<String> names = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int[] context = new int[blockSize];
            int[] out = new int[Sampler.MAX_LENGTH];
            int len = 0;
            while (len < Sampler.MAX_LENGTH) {
                for (int i = 0; i < blockSize; i++) {
                    x.data()[i] = context[i];
                }
                System.arraycopy(plan.forward(x, false).data(), 0, probs, 0, v);
                Sampler.softmax(probs);
                int ix = Multinomial.sample(probs, g);
                if (ix == Vocabulary.END) {
                    break;
                }
                System.arraycopy(context, 1, context, 0, blockSize - 1);
                context[blockSize - 1] = ix;
                out[len++] = ix;
            }
            names.add(vocab.decode(out, len));
        }
        return names;
    }
}
