package ninja.nn;

import java.util.List;
import java.util.function.Function;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;

/**
 * {@code Embedding(num_embeddings, embedding_dim)}: a table lookup, {@code out = weight[IX]}.
 * The indices come as a float tensor (exact for any vocabulary below 2^24).
 */
public final class Embedding implements Layer {
    public final Param weight;          // [V, E], torch.randn((V, E))
    private final int vocab, dim;

    /** The lecture's constructor: {@code self.weight = torch.randn((num_embeddings, embedding_dim))}. */
    public Embedding(int numEmbeddings, int embeddingDim, TorchGenerator g) {
        this(Tensor.of(g.randn(numEmbeddings * embeddingDim), numEmbeddings, embeddingDim));
    }

    public Embedding(Tensor weight) {
        this(new Param("weight", weight));
    }

    /** Over a given table (the lecture's C). */
    public Embedding(Param weight) {
        this.weight = weight;
        this.vocab = weight.value.dim(0);
        this.dim = weight.value.dim(1);
    }

    @Override
    public int[] outShape(int[] in) {
        int[] out = java.util.Arrays.copyOf(in, in.length + 1);
        out[in.length] = dim;
        return out;
    }

    @Override
    public List<Param> params() {
        return List.of(weight);
    }

    @Override
    public String describe() {
        return "Embedding(" + vocab + ", " + dim + ")";
    }

    @Override
    public double[] forward64(double[] x, int[] in, Function<Param, double[]> values) {
        double[] w = values.apply(weight), out = new double[x.length * dim];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(w, (int) x[r] * dim, out, r * dim, dim);
        }
        return out;
    }

    @Override
    public Plan plan(int[] in) {
        return new EmbeddingPlan(in);
    }

    private final class EmbeddingPlan implements Plan {
        private final Tensor out;       // [*in, E]
        private final int[] ix;         // the last forward's indices, flat
        private final int rows;

        EmbeddingPlan(int[] in) {
            this.out = Tensor.zeros(outShape(in));
            this.rows = out.numel() / dim;
            this.ix = new int[rows];
        }

        /** out[r] = weight[IX[r]] for every position r. */
        @Override
        public Tensor forward(Tensor x, boolean training) {
            float[] idx = x.data(), w = weight.value.data(), o = out.data();
            for (int r = 0; r < rows; r++) {
                int v = (int) idx[r];
                if (v < 0 || v >= vocab || v != idx[r]) {
                    throw new IllegalArgumentException("Embedding(" + vocab + ", " + dim + "): index " + idx[r]
                            + " at position " + r);
                }
                ix[r] = v;
                System.arraycopy(w, v * dim, o, r * dim, dim);
            }
            return out;
        }

        /**
         * dweight[v] = sum over positions r with IX[r] = v of dout[r]: a scatter-add, since a character that appears
         * twice in the batch receives both gradients. The indices have no gradient.
         */
        @Override
        public Tensor backward(Tensor dout) {
            float[] d = dout.data(), dw = weight.grad.data();
            java.util.Arrays.fill(dw, 0f);
            for (int r = 0; r < rows; r++) {
                int o = ix[r] * dim, s = r * dim;
                for (int c = 0; c < dim; c++) {
                    dw[o + c] += d[s + c];
                }
            }
            return null;
        }

        @Override
        public void update(float lr) {
            weight.sgd(lr);
        }

        @Override
        public Tensor out() {
            return out;
        }
    }
}
