package ninja.model;

import static ninja.model.Name.*;

import ninja.tensor.Tensor;

/** The character embedding: a table lookup, and its backward, a scatter-add. */
public final class Embedding {
    private Embedding() {
    }

    /** emb = C[Xb] ([n, block, E]); embcat = emb.view(n, -1). */
    public static void forward(Tensor C, Batch b, Activations a) {
        int n = b.n(), block = b.blockSize(), e = C.dim(1);
        a.set(emb, Tensor.zeros(n, block, e));
        lookup(C.data(), e, b.xb(), a.get(emb).data());
        a.set(embcat, a.get(emb).view(n, block * e));
    }

    /** Row i of out is row xb[i] of the table C[V, E]. */
    public static void lookup(float[] C, int e, int[] xb, float[] out) {
        for (int i = 0; i < xb.length; i++) {
            System.arraycopy(C, xb[i] * e, out, i * e, e);
        }
    }

    /**
     * demb = dembcat.view(emb.shape);  dC[Xb[k,j]] += demb[k,j]  (a scatter-add: a character that appears twice
     * in the batch receives both gradients).
     */
    public static void backward(Tensor C, Batch b, Grads g) {
        Tensor dembcat = g.up(embcat);
        int n = b.n(), block = b.blockSize(), e = C.dim(1);
        g.put(emb, dembcat.copy().view(n, block, e));
        Tensor dC = Tensor.zeros(C.shape());
        scatterAdd(g.up(emb).data(), e, b.xb(), dC.data());
        g.put(Name.C, dC);
    }

    /** dC[xb[i]] += demb[i] for every row i of demb. */
    public static void scatterAdd(float[] demb, int e, int[] xb, float[] dC) {
        for (int i = 0; i < xb.length; i++) {
            int row = xb[i] * e;
            for (int c = 0; c < e; c++) {
                dC[row + c] += demb[i * e + c];
            }
        }
    }
}
