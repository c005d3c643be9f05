package ninja.nn;

import java.util.List;
import java.util.function.Function;
import ninja.model.BatchNorm;
import ninja.tensor.Simd;
import ninja.tensor.Tensor;

/**
 * The batchnorm of the part 4 notebook (the lecture's Exercises 1-4), over {@code [n, H]}: Bessel's n-1 in the
 * variance, {@code bngain}/{@code bnbias} of shape {@code [1, H]}, and running statistics kept as a mean and a
 * standard deviation with momentum 0.001. Its chunks, by the lecture's names:
 * <pre>
 * bnmeani = 1/n * hprebn.sum(0, keepdim=True);  bndiff = hprebn - bnmeani;  bndiff2 = bndiff**2
 * bnvar = 1/(n-1) * bndiff2.sum(0, keepdim=True);  bnvar_inv = (bnvar + 1e-5)**-0.5
 * bnraw = bndiff * bnvar_inv;  hpreact = bngain * bnraw + bnbias
 * </pre>
 * In eval mode {@code hpreact = bngain * (hprebn - bnmean) * (bnstd**2 + 1e-5)**-0.5 + bnbias}, the order of the
 * lecture's sampling cell. The chunks one by one, with the atomic backward, are {@link ninja.model.BatchNorm}'s
 * readable version; this plan runs the fused forward and Exercise 3's backward on the same kernels.
 */
public final class NotebookBatchNorm implements Layer {
    /** Momentum of the running statistics: running = 0.999 running + 0.001 batch. */
    public static final float MOMENTUM = 0.001f;

    public final Param bngain;          // [1, H]
    public final Param bnbias;          // [1, H]
    public final Param bnmean;          // [1, H] running (or calibrated) mean of hprebn
    public final Param bnstd;           // [1, H] running (or calibrated) standard deviation of hprebn
    private final int h;

    public NotebookBatchNorm(Param bngain, Param bnbias, Param bnmean, Param bnstd) {
        this.bngain = bngain;
        this.bnbias = bnbias;
        this.bnmean = bnmean;
        this.bnstd = bnstd;
        this.h = bngain.value.dim(1);
    }

    @Override
    public int[] outShape(int[] in) {
        if (in.length != 2 || in[1] != h) {
            throw Layer.shapeError(describe(), "[n, " + h + "]", in);
        }
        return in.clone();
    }

    @Override
    public List<Param> params() {
        return List.of(bngain, bnbias);
    }

    @Override
    public List<Param> buffers() {
        return List.of(bnmean, bnstd);
    }

    @Override
    public String describe() {
        return "BatchNorm(" + h + ", the notebook's)";
    }

    @Override
    public double[] forward64(double[] x, int[] in, Function<Param, double[]> values) {
        return BatchNorm1d.forward64(x, h, values.apply(bngain), values.apply(bnbias), BatchNorm.EPS);
    }

    @Override
    public Plan plan(int[] in) {
        return new NotebookPlan(in);
    }

    private final class NotebookPlan implements Plan {
        private final int n;
        private final Tensor out;       // [n, H] hpreact
        private final Tensor dx;        // [n, H] dhprebn
        private final float[] bnmeani;  // [H]
        private final float[] bnvar;    // [H]
        private final float[] bnvarInv; // [H] (bnvar + eps)^-1/2, or in eval mode (bnstd^2 + eps)^-1/2
        private final float[] bnraw;    // [n, H]
        private final float[] scale;    // [H] scratch of the fused backward

        NotebookPlan(int[] in) {
            out = Tensor.zeros(outShape(in));
            dx = Tensor.zeros(in);
            n = in[0];
            bnmeani = new float[h];
            bnvar = new float[h];
            bnvarInv = new float[h];
            bnraw = new float[n * h];
            scale = new float[h];
        }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            float[] xs = x.data(), o = out.data(), g = bngain.value.data(), b = bnbias.value.data();
            if (!training) {
                float[] mean = bnmean.value.data(), std = bnstd.value.data();
                for (int j = 0; j < h; j++) {
                    bnvarInv[j] = BatchNorm.rsqrt(std[j] * std[j] + BatchNorm.EPS);
                }
                for (int i = 0, r = 0; i < n; i++, r += h) {
                    for (int j = 0; j < h; j++) {
                        o[r + j] = g[j] * (xs[r + j] - mean[j]) * bnvarInv[j] + b[j];
                    }
                }
                return out;
            }
            Simd simd = Simd.INSTANCE;
            simd.colSums(xs, null, 1.0f / n, n, h, bnmeani);                     // bnmeani = 1/n * hprebn.sum(0)
            simd.colSums(xs, bnmeani, (float) (1.0 / (n - 1)), n, h, bnvar);     // bnvar = 1/(n-1) * (bndiff**2).sum(0)
            for (int j = 0; j < h; j++) {
                bnvarInv[j] = BatchNorm.rsqrt(bnvar[j] + BatchNorm.EPS);        // bnvar_inv = (bnvar + 1e-5)**-0.5
            }
            for (int i = 0; i < n; i++) {          // bnraw = bndiff * bnvar_inv;  hpreact = bngain * bnraw + bnbias
                simd.normalize(xs, bnmeani, bnvarInv, g, b, bnraw, o, i * h, h);
            }
            return out;
        }

        /** Exercise 3: dhprebn = bngain * bnvar_inv / n * (n dhpreact - sum_0 dhpreact - n/(n-1) bnraw sum_0(dhpreact bnraw)). */
        @Override
        public Tensor backward(Tensor dout) {
            BatchNorm.fusedBackward(dout.data(), bnraw, bngain.value.data(), bnvarInv, dx.data(), bngain.grad.data(),
                    bnbias.grad.data(), n, h, scale);
            return dx;
        }

        /** bnmean = 0.999 bnmean + 0.001 bnmeani;  bnstd = 0.999 bnstd + 0.001 sqrt(bnvar). */
        @Override
        public void commit() {
            float[] mean = bnmean.value.data(), std = bnstd.value.data();
            for (int j = 0; j < h; j++) {
                float bnstdi = (float) Math.sqrt(bnvar[j]);
                mean[j] = (1 - MOMENTUM) * mean[j] + MOMENTUM * bnmeani[j];
                std[j] = (1 - MOMENTUM) * std[j] + MOMENTUM * bnstdi;
            }
        }

        @Override
        public void update(float lr) {
            bngain.sgd(lr);
            bnbias.sgd(lr);
        }

        @Override
        public Tensor out() {
            return out;
        }
    }
}
