package ninja.data;

import ninja.data.ContextDataset;
import ninja.rng.TorchGenerator;

/**
 * A minibatch: {@code ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g); Xb, Yb = Xtr[ix], Ytr[ix]}.
 * {@code xb} is row-major [n, block_size].
 */
public record Batch(int[] xb, int[] yb, int blockSize) {

    public int n() {
        return yb.length;
    }

    public static Batch draw(ContextDataset data, int batchSize, TorchGenerator g) {
        Batch b = new Batch(new int[batchSize * data.blockSize()], new int[batchSize], data.blockSize());
        b.drawInto(data, g, new int[batchSize]);
        return b;
    }

    /** The contexts as the Embedding takes them, character indices as floats, into x (as long as xb). */
    public void contextsInto(float[] x) {
        for (int i = 0; i < xb.length; i++) {
            x[i] = xb[i];
        }
    }

    /** Redraws this batch in place (no allocation); {@code ix} is scratch space of batch size. */
    public void drawInto(ContextDataset data, TorchGenerator g, int[] ix) {
        g.randint(0, data.size(), ix);
        for (int i = 0; i < yb.length; i++) {
            System.arraycopy(data.x(), ix[i] * blockSize, xb, i * blockSize, blockSize);
            yb[i] = data.y()[ix[i]];
        }
    }
}
