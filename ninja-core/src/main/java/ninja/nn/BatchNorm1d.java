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
            statistics(x.data(), training, 0, dim, sum, sumSq);
            normalize(x.data(), training, 0, n);
            return out;
        }

        /**
         * Columns [c0, c1): the batch statistics (training; added up in sum and sumSq) and std = sqrt(var + eps),
         * inv = 1 / std.
         */
        private void statistics(float[] xs, boolean training, int c0, int c1, double[] sum, double[] sumSq) {
            float[] var = training ? xvar : runningVar.value.data();
            if (training) {
                if (n < 2) {
                    throw new IllegalArgumentException(describe() + ": training needs at least 2 rows for the"
                            + " unbiased variance, got " + n);
                }
                batchStatistics(xs, c0, c1, sum, sumSq);
            }
            for (int j = c0; j < c1; j++) {
                std[j] = (float) Math.sqrt(var[j] + eps);                    // torch.sqrt(xvar + eps)
                inv[j] = 1f / std[j];
            }
        }

        /** Rows [r0, r1): xhat = (x - xmean) / sqrt(xvar + eps);  out = gamma * xhat + beta. */
        private void normalize(float[] xs, boolean training, int r0, int r1) {
            float[] o = out.data(), g = gamma.value.data(), b = beta.value.data();
            float[] mean = training ? xmean : runningMean.value.data();
            for (int i = r0; i < r1; i++) {
                Simd.INSTANCE.normalizeDiv(xs, mean, std, g, b, xhat, o, i * dim, dim);
            }
        }

        /**
         * xmean and the unbiased xvar of columns [c0, c1). Sums run in double (torch's CPU var accumulates in double
         * too), so each statistic is the float nearest the exact one, whatever the order of rows.
         */
        private void batchStatistics(float[] xs, int c0, int c1, double[] sum, double[] sumSq) {
            // row by row, so the inner loops run over contiguous memory (and vectorise)
            int len = c1 - c0;
            java.util.Arrays.fill(sum, c0, c1, 0);
            java.util.Arrays.fill(sumSq, c0, c1, 0);
            Simd simd = Simd.INSTANCE;
            for (int i = 0; i < n; i++) {
                simd.addDouble(xs, i * dim + c0, sum, c0, len);
            }
            for (int j = c0; j < c1; j++) {
                sum[j] /= n;
            }
            for (int i = 0; i < n; i++) {
                simd.addSquaredDiffDouble(xs, i * dim + c0, sum, sumSq, c0, len);
            }
            for (int j = c0; j < c1; j++) {
                xmean[j] = (float) sum[j];
                xvar[j] = (float) (sumSq[j] / (n - 1));
            }
        }

        /** running = (1 - momentum) * running + momentum * batch, as the lecture does under no_grad. */
        @Override
        public void commit() {
            commit(0, dim);
        }

        private void commit(int c0, int c1) {
            float keep = (float) (1.0 - (double) momentum), take = momentum;
            float[] rm = runningMean.value.data(), rv = runningVar.value.data();
            for (int j = c0; j < c1; j++) {
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
            sums(dout.data(), 0, dim, gamma.grad.data(), beta.grad.data());
            dxRows(dout.data(), 0, n);
            return dx;
        }

        /** Columns [c0, c1) of dgamma and dbeta, added up in dg and db (then copied into the grads), and scale. */
        private void sums(float[] d, int c0, int c1, float[] dg, float[] db) {
            float[] g = gamma.value.data();
            java.util.Arrays.fill(dg, c0, c1, 0f);
            java.util.Arrays.fill(db, c0, c1, 0f);
            Simd simd = Simd.INSTANCE;
            for (int i = 0; i < n; i++) {
                simd.bnSums(d, xhat, i * dim + c0, dg, db, c0, c1 - c0);
            }
            float fn = n;
            for (int j = c0; j < c1; j++) {
                scale[j] = g[j] * inv[j] / fn;
            }
            if (dg != gamma.grad.data()) {
                System.arraycopy(dg, c0, gamma.grad.data(), c0, c1 - c0);
                System.arraycopy(db, c0, beta.grad.data(), c0, c1 - c0);
            }
        }

        /** Rows [r0, r1) of dx. */
        private void dxRows(float[] d, int r0, int r1) {
            float fn = n;
            float bessel = (float) ((double) n / (n - 1));
            float[] dg = gamma.grad.data(), db = beta.grad.data();
            for (int i = r0; i < r1; i++) {
                Simd.INSTANCE.bnBackwardRow(d, xhat, i * dim, scale, db, dg, fn, bessel, dx.data(), dim);
            }
        }

        /** Units cut between threads for the statistics and sums, samples for the rest. */
        @Override
        public Split split() {
            int perSample = n / out.dim(0);
            // each part adds its columns up in arrays of its own: sums written row after row into one shared array
            // would keep the cache line where the parts meet moving between the cores
            double[][] sumOf = {new double[dim], new double[dim]}, sumSqOf = {new double[dim], new double[dim]};
            float[][] dgOf = {new float[dim], new float[dim]}, dbOf = {new float[dim], new float[dim]};
            return new SplitBuffers(out, dx, dim) {
                @Override
                public boolean statistics() {
                    return true;
                }

                @Override
                public void forwardColumns(int part, int c0, int c1) {
                    BatchNormPlan.this.statistics(x.data(), true, c0, c1, sumOf[part], sumSqOf[part]);
                    commit(c0, c1);
                }

                @Override
                public void forwardRows(int s0, int s1) {
                    normalize(x.data(), true, s0 * perSample, s1 * perSample);
                }

                @Override
                public boolean sumsFirst() {
                    return true;
                }

                @Override
                public void backwardColumns(int part, int c0, int c1) {
                    sums(dout.data(), c0, c1, dgOf[part], dbOf[part]);
                }

                @Override
                public void backwardRows(int s0, int s1) {
                    dxRows(dout.data(), s0 * perSample, s1 * perSample);
                }

                @Override
                public void update(float lr, int c0, int c1) {
                    gamma.sgd(lr, c0, c1);
                    beta.sgd(lr, c0, c1);
                }
            };
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
