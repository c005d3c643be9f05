package ninja.nn;

import java.util.List;
import java.util.function.Function;
import ninja.data.Batch;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.lecture.Weights;
import ninja.rng.TorchGenerator;
import ninja.tensor.Simd;
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
            lookup(x.data(), 0, rows);
            return out;
        }

        private void lookup(float[] idx, int r0, int r1) {
            float[] w = weight.value.data(), o = out.data();
            for (int r = r0; r < r1; r++) {
                int v = (int) idx[r];
                if (v < 0 || v >= vocab || v != idx[r]) {
                    throw new IllegalArgumentException("Embedding(" + vocab + ", " + dim + "): index " + idx[r]
                            + " at position " + r);
                }
                ix[r] = v;
                System.arraycopy(w, v * dim, o, r * dim, dim);
            }
        }

        /**
         * dweight[v] = sum over positions r with IX[r] = v of dout[r]: a scatter-add, since a character that appears
         * twice in the batch receives both gradients. The indices have no gradient.
         */
        @Override
        public Tensor backward(Tensor dout) {
            java.util.Arrays.fill(weight.grad.data(), 0f);
            scatter(dout.data(), 0, dim);
            return null;
        }

        /** Columns [c0, c1) of dweight, added over the positions in order (dweight zero there before). */
        private void scatter(float[] d, int c0, int c1) {
            float[] dw = weight.grad.data();
            for (int r = 0; r < rows; r++) {
                // dw[v] += dout[r] as one axpy with a = 1: x * 1 is exact, so each sum is rounded once, as by +=
                Simd.INSTANCE.axpy(1f, d, r * dim + c0, dw, ix[r] * dim + c0, c1 - c0);
            }
        }

        @Override
        public void update(float lr) {
            weight.sgd(lr);
        }

        /** Positions cut by samples for the lookup, the embedding's columns for the scatter-add and the update. */
        @Override
        public Split split() {
            int perSample = rows / out.dim(0);
            return new SplitBuffers(out, null, dim) {
                @Override
                public void forwardRows(int s0, int s1) {
                    lookup(x.data(), s0 * perSample, s1 * perSample);
                }

                @Override
                public void backwardColumns(int part, int c0, int c1) {
                    float[] dw = weight.grad.data();
                    for (int v = 0; v < vocab; v++) {
                        java.util.Arrays.fill(dw, v * dim + c0, v * dim + c1, 0f);
                    }
                    scatter(dout.data(), c0, c1);
                }

                @Override
                public void update(float lr, int c0, int c1) {
                    for (int v = 0; v < vocab; v++) {
                        weight.sgd(lr, v * dim + c0, v * dim + c1);
                    }
                }
            };
        }

        @Override
        public Tensor out() {
            return out;
        }
    }

    // The lecture's readable version (Exercise 1), over the MLP's typed names; the plan above is the fast one.

    /** emb = C[Xb] ([n, block, E]);  embcat = emb.view(n, -1) (the FlattenConsecutive after it, a view). */
    public static void lectureForward(Weights p, Batch b, Activations a) {
        Tensor C = p.get(Name.C);
        int n = b.n(), block = b.blockSize(), e = C.dim(1);
        Tensor emb = Tensor.zeros(n, block, e);
        for (int i = 0; i < b.xb().length; i++) {
            System.arraycopy(C.data(), b.xb()[i] * e, emb.data(), i * e, e);
        }
        a.set(Name.emb, emb);
        a.set(Name.embcat, emb.view(n, block * e));
    }

    /**
     * demb = dembcat.view(emb.shape);  dC[Xb[k,j]] += demb[k,j]  (a scatter-add: a character that appears twice
     * in the batch receives both gradients).
     */
    public static void lectureBackward(Weights p, Batch b, Grads g) {
        Tensor dembcat = g.up(Name.embcat);
        int[] shape = p.get(Name.C).shape();
        int n = b.n(), block = b.blockSize(), e = shape[1];
        g.put(Name.emb, dembcat.copy().view(n, block, e));
        Tensor dC = Tensor.zeros(shape);
        float[] demb = g.up(Name.emb).data(), dc = dC.data();
        for (int i = 0; i < b.xb().length; i++) {
            int row = b.xb()[i] * e;
            for (int c = 0; c < e; c++) {
                dc[row + c] += demb[i * e + c];
            }
        }
        g.put(Name.C, dC);
    }
}
