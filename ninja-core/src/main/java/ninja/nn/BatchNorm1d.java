package ninja.nn;

import java.util.List;
import java.util.function.Function;
import ninja.tensor.Simd;
import ninja.tensor.Tensor;

/**
 * {@code BatchNorm1d(dim, eps=1e-5, momentum=0.1)} as the lecture's part 3/5 class writes it: statistics over dim 0
 * of {@code [B, C]} input and over dims 0 and 1 of {@code [B, T, C]} (both are n = B*T rows of C here), the
 * unbiased batch variance (Bessel's n-1) in training, the running mean and variance in eval mode.
 * <pre>
 * xmean = x.mean(dims, keepdim=True);  xvar = x.var(dims, keepdim=True)
 * xhat  = (x - xmean) / sqrt(xvar + eps);  out = gamma * xhat + beta
 * running_mean = (1 - momentum) * running_mean + momentum * xmean   (likewise running_var)
 * </pre>
 */
public final class BatchNorm1d implements Layer {
    public final Param gamma;           // [C], ones
    public final Param beta;            // [C], zeros
    public final Param runningMean;     // [C], zeros (a buffer: no gradient is ever read)
    public final Param runningVar;      // [C], ones
    private final int dim;
    private final float eps, momentum;

    public BatchNorm1d(int dim) {
        this(dim, 1e-5f, 0.1f);
    }

    public BatchNorm1d(int dim, float eps, float momentum) {
        this.dim = dim;
        this.eps = eps;
        this.momentum = momentum;
        this.gamma = new Param("gamma", Tensor.full(1f, dim));
        this.beta = new Param("beta", Tensor.zeros(dim));
        this.runningMean = new Param("running_mean", Tensor.zeros(dim));
        this.runningVar = new Param("running_var", Tensor.full(1f, dim));
    }

    public int dim() {
        return dim;
    }

    public float eps() {
        return eps;
    }

    public float momentum() {
        return momentum;
    }

    @Override
    public int[] outShape(int[] in) {
        if ((in.length != 2 && in.length != 3) || in[in.length - 1] != dim) {
            throw Layer.shapeError(describe(), "[B, " + dim + "] or [B, T, " + dim + "]", in);
        }
        return in.clone();
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta);
    }

    @Override
    public List<Param> buffers() {
        return List.of(runningMean, runningVar);
    }

    @Override
    public String describe() {
        return "BatchNorm1d(" + dim + ")";
    }

    @Override
    public double[] forward64(double[] x, int[] in, Function<Param, double[]> values) {
        return forward64(x, dim, values.apply(gamma), values.apply(beta), eps);
    }

    /** Training-mode batchnorm in float64 over rows of {@code dim}: unbiased variance, gain g, bias b. */
    static double[] forward64(double[] x, int dim, double[] g, double[] b, double eps) {
        double[] out = new double[x.length];
        int n = x.length / dim;
        for (int j = 0; j < dim; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += x[i * dim + j];
            }
            double mean = s / n, ss = 0;
            for (int i = 0; i < n; i++) {
                ss += (x[i * dim + j] - mean) * (x[i * dim + j] - mean);
            }
            double std = Math.sqrt(ss / (n - 1) + (double) eps);
            for (int i = 0; i < n; i++) {
                out[i * dim + j] = g[j] * ((x[i * dim + j] - mean) / std) + b[j];
            }
        }
        return out;
    }

    @Override
    public Plan plan(int[] in) {
        return new BatchNormPlan(in);
    }

    /** What a plan's training forward keeps for the backward, for a backward written outside it (Exercise 5). */
    public interface Saved {
        /** xhat = (x - xmean) / sqrt(xvar + eps), shaped as the input (the plan's buffer: read, do not write). */
        Tensor xhat();

        /** 1 / sqrt(xvar + eps), [C] (the plan's buffer). */
        Tensor xvarInv();
    }

    private final class BatchNormPlan implements Plan, Saved {
        private final int n;            // rows: B, or B*T
        private final Tensor out;       // [B, (T,) C]
        private final Tensor dx;        // [B, (T,) C]
        private final float[] xhat;     // [n, C]
        private final float[] xmean;    // [C] batch mean
        private final float[] xvar;     // [C] batch variance, unbiased
        private final float[] std;      // [C] sqrt(xvar + eps)
        private final float[] inv;      // [C] 1 / std
        private final float[] scale;    // [C] gamma * inv / n, for the backward
        private final double[] sum, sumSq;  // [C] scratch for the statistics

        BatchNormPlan(int[] in) {
            out = Tensor.zeros(outShape(in));
            dx = Tensor.zeros(in);
            n = out.numel() / dim;
            xhat = new float[n * dim];
            xmean = new float[dim];
            xvar = new float[dim];
            std = new float[dim];
            inv = new float[dim];
            scale = new float[dim];
            sum = new double[dim];
            sumSq = new double[dim];
        }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            float[] xs = x.data(), o = out.data(), g = gamma.value.data(), b = beta.value.data();
            float[] mean = training ? xmean : runningMean.value.data();
            float[] var = training ? xvar : runningVar.value.data();
            if (training) {
                if (n < 2) {
                    throw new IllegalArgumentException(describe() + ": training needs at least 2 rows for the"
                            + " unbiased variance, got " + n);
                }
                batchStatistics(xs);
            }
            for (int j = 0; j < dim; j++) {
                std[j] = (float) Math.sqrt(var[j] + eps);                    // torch.sqrt(xvar + eps)
                inv[j] = 1f / std[j];
            }
            for (int i = 0; i < n; i++) {
                // xhat = (x - xmean) / sqrt(xvar + eps);  out = gamma * xhat + beta
                Simd.INSTANCE.normalizeDiv(xs, mean, std, g, b, xhat, o, i * dim, dim);
            }
            return out;
        }

        /**
         * xmean and the unbiased xvar of each column. Sums run in double (torch's CPU var accumulates in double
         * too), so each statistic is the float nearest the exact one, whatever the order of rows.
         */
        private void batchStatistics(float[] xs) {
            // row by row, so the inner loops run over contiguous memory (and vectorise)
            java.util.Arrays.fill(sum, 0);
            java.util.Arrays.fill(sumSq, 0);
            Simd simd = Simd.INSTANCE;
            for (int i = 0; i < n; i++) {
                simd.addDouble(xs, i * dim, sum, dim);
            }
            for (int j = 0; j < dim; j++) {
                sum[j] /= n;
            }
            for (int i = 0; i < n; i++) {
                simd.addSquaredDiffDouble(xs, i * dim, sum, sumSq, dim);
            }
            for (int j = 0; j < dim; j++) {
                xmean[j] = (float) sum[j];
                xvar[j] = (float) (sumSq[j] / (n - 1));
            }
        }

        /** running = (1 - momentum) * running + momentum * batch, as the lecture does under no_grad. */
        @Override
        public void commit() {
            float keep = (float) (1.0 - (double) momentum), take = momentum;
            float[] rm = runningMean.value.data(), rv = runningVar.value.data();
            for (int j = 0; j < dim; j++) {
                rm[j] = keep * rm[j] + take * xmean[j];
                rv[j] = keep * rv[j] + take * xvar[j];
            }
        }

        /**
         * With dxhat = gamma * dout, the sums over the n rows, and inv = (xvar + eps)^-1/2:
         * <pre>
         * dbeta  = sum_n(dout)
         * dgamma = sum_n(dout * xhat)
         * dx     = gamma * inv / n * (n * dout - dbeta - n/(n-1) * xhat * dgamma)
         * </pre>
         * (Exercise 3's formula; n/(n-1) because the variance is the unbiased one.)
         */
        @Override
        public Tensor backward(Tensor dout) {
            float[] d = dout.data(), dg = gamma.grad.data(), db = beta.grad.data(), g = gamma.value.data();
            java.util.Arrays.fill(dg, 0f);
            java.util.Arrays.fill(db, 0f);
            Simd simd = Simd.INSTANCE;
            for (int i = 0; i < n; i++) {
                simd.bnSums(d, xhat, i * dim, dg, db, dim);
            }
            float fn = n;
            float bessel = (float) ((double) n / (n - 1));
            for (int j = 0; j < dim; j++) {
                scale[j] = g[j] * inv[j] / fn;
            }
            for (int i = 0; i < n; i++) {
                simd.bnBackwardRow(d, xhat, i * dim, scale, db, dg, fn, bessel, dx.data(), dim);
            }
            return dx;
        }

        @Override
        public void update(float lr) {
            gamma.sgd(lr);
            beta.sgd(lr);
        }

        @Override
        public Tensor xhat() {
            return Tensor.of(xhat, out.shape());
        }

        @Override
        public Tensor xvarInv() {
            return Tensor.of(inv, dim);
        }

        @Override
        public Tensor out() {
            return out;
        }
    }
}
