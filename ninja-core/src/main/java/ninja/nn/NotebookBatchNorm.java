package ninja.nn;

import static ninja.lecture.Name.*;

import java.util.List;
import java.util.function.Function;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.lecture.Weights;
import ninja.tensor.BatchNormKernels;
import ninja.tensor.Ops;
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
 * lecture's sampling cell. The chunks one by one, with the atomic backward, are the readable version at the end
 * ({@link #lectureForward}); the plan runs the fused forward and Exercise 3's backward on the same kernels.
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
        return BatchNorm1d.forward64(x, h, values.apply(bngain), values.apply(bnbias), BatchNormKernels.EPS);
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
                    bnvarInv[j] = BatchNormKernels.rsqrt(std[j] * std[j] + BatchNormKernels.EPS);
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
                bnvarInv[j] = BatchNormKernels.rsqrt(bnvar[j] + BatchNormKernels.EPS);        // bnvar_inv = (bnvar + 1e-5)**-0.5
            }
            for (int i = 0; i < n; i++) {          // bnraw = bndiff * bnvar_inv;  hpreact = bngain * bnraw + bnbias
                simd.normalize(xs, bnmeani, bnvarInv, g, b, bnraw, o, i * h, h);
            }
            return out;
        }

        /** Exercise 3: dhprebn = bngain * bnvar_inv / n * (n dhpreact - sum_0 dhpreact - n/(n-1) bnraw sum_0(dhpreact bnraw)). */
        @Override
        public Tensor backward(Tensor dout) {
            BatchNormKernels.fusedBackward(dout.data(), bnraw, bngain.value.data(), bnvarInv, dx.data(), bngain.grad.data(),
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

    // The lecture's chunks, readable (Exercises 1 and 3), over the MLP's typed names; the plan above is the fast one.

    /** The MLP's names for this layer's input and output (the chunks between are in {@link Name}'s graph). */
    public static final Name LECTURE_IN = hprebn, LECTURE_OUT = hpreact;
    /** What Exercise 3's fused backward writes, in the order of the check's rows. */
    public static final List<Name> LECTURE_FUSED = List.of(LECTURE_IN, Name.bngain, Name.bnbias);

    /** The lecture's chunks of batchnorm in training mode, one line each, from hprebn to hpreact. */
    public static void lectureForward(Weights p, Activations a) {
        Tensor bngain = p.get(Name.bngain), bnbias = p.get(Name.bnbias);
        int n = a.get(hprebn).dim(0);
        a.set(bnmeani, Ops.mul(1.0f / n, Ops.sum0(a.get(hprebn), true)));                  // bnmeani = 1/n * hprebn.sum(0, keepdim=True)
        a.set(bndiff, Ops.sub(a.get(hprebn), a.get(bnmeani)));                             // bndiff = hprebn - bnmeani
        a.set(bndiff2, Ops.mul(a.get(bndiff), a.get(bndiff)));                             // bndiff2 = bndiff**2
        a.set(bnvar, Ops.mul((float) (1.0 / (n - 1)), Ops.sum0(a.get(bndiff2), true)));    // bnvar = 1/(n-1) * bndiff2.sum(0, keepdim=True)
        a.set(bnvar_inv, Ops.map(a.get(bnvar), v -> BatchNormKernels.rsqrt(v + BatchNormKernels.EPS)));  // bnvar_inv = (bnvar + 1e-5)**-0.5
        a.set(bnraw, Ops.mul(a.get(bndiff), a.get(bnvar_inv)));                            // bnraw = bndiff * bnvar_inv
        a.set(hpreact, Ops.add(Ops.mul(bngain, a.get(bnraw)), bnbias));                    // hpreact = bngain * bnraw + bnbias
    }

    /** Exercise 1's batchnorm steps, from dhpreact back to dhprebn. */
    public static void lectureBackward(Weights p, Activations a, Grads g) {
        Tensor bngain = p.get(Name.bngain);
        int n = a.get(hprebn).dim(0);
        Tensor dhpreact = g.up(hpreact);
        // hpreact = bngain * bnraw + bnbias: bngain and bnbias were broadcast over the batch, so sum over it
        g.put(Name.bngain, Ops.sum0(Ops.mul(a.get(bnraw), dhpreact), true));  // dbngain = sum_0(bnraw * dhpreact)
        g.put(Name.bnbias, Ops.sum0(dhpreact, true));                         // dbnbias = sum_0(dhpreact)
        g.put(bnraw, Ops.mul(bngain, dhpreact));                              // dbnraw = bngain * dhpreact
        // bnraw = bndiff * bnvar_inv
        Tensor dbnraw = g.up(bnraw);
        Tensor dbndiff = Ops.mul(a.get(bnvar_inv), dbnraw);                // dbndiff  = bnvar_inv * dbnraw (first branch)
        g.put(bnvar_inv, Ops.sum0(Ops.mul(a.get(bndiff), dbnraw), true));  // dbnvar_inv = sum_0(bndiff * dbnraw)
        // bnvar_inv = (bnvar + eps)^(-1/2)  =>  d/dbnvar = -1/2 (bnvar + eps)^(-3/2)
        Tensor dvar = Ops.map(a.get(bnvar), v -> -0.5f * (float) Math.pow(v + BatchNormKernels.EPS, -1.5));
        g.put(bnvar, Ops.mul(dvar, g.up(bnvar_inv)));
        // bnvar = 1/(n-1) * sum_0(bndiff2): every element of the column receives 1/(n-1) * dbnvar
        float bessel = (float) (1.0 / (n - 1));
        g.put(bndiff2, Ops.mul(Ops.map(a.get(bndiff2), x -> bessel * 1.0f), g.up(bnvar)));
        // bndiff2 = bndiff^2: second branch into dbndiff
        Ops.addInto(dbndiff, Ops.mul(Ops.mul(2.0f, a.get(bndiff)), g.up(bndiff2)));
        g.put(bndiff, dbndiff);
        // bndiff = hprebn - bnmeani: bnmeani was broadcast over the batch
        Tensor dbndiffUp = g.up(bndiff);
        Tensor dhprebn = dbndiffUp.copy();                          // dhprebn = dbndiff (first branch)
        g.put(bnmeani, Ops.mul(-1.0f, Ops.sum0(dbndiffUp, true)));  // dbnmeani = -sum_0(dbndiff)
        // bnmeani = 1/n * sum_0(hprebn): second branch into dhprebn
        Tensor dbnmeani = g.up(bnmeani);
        Ops.addInto(dhprebn, Ops.mul(1.0f / n, Ops.mul(Tensor.full(1.0f, a.get(hprebn).shape()), dbnmeani)));
        g.put(hprebn, dhprebn);
    }

    /**
     * Exercise 3, the whole batchnorm backward in one go, on tensors:
     * <pre>
     * dhprebn = bngain * bnvar_inv / n * (n * dhpreact - sum_0(dhpreact) - n/(n-1) * bnraw * sum_0(dhpreact * bnraw))
     * </pre>
     * Also yields dbngain = sum_0(dhpreact * bnraw) and dbnbias = sum_0(dhpreact), which it needs anyway.
     */
    public static void lectureFusedBackward(Weights p, Activations a, Grads g) {
        Tensor bngain = p.get(Name.bngain);
        Tensor dhpreact = g.up(hpreact);
        int n = dhpreact.dim(0), h = dhpreact.dim(1);
        Tensor dhprebn = Tensor.zeros(n, h);
        Tensor dbngain = Tensor.zeros(1, h);
        Tensor dbnbias = Tensor.zeros(1, h);
        BatchNormKernels.fusedBackward(dhpreact.data(), a.get(bnraw).data(), bngain.data(), a.get(bnvar_inv).data(),
                dhprebn.data(), dbngain.data(), dbnbias.data(), n, h);
        g.put(Name.bngain, dbngain);
        g.put(Name.bnbias, dbnbias);
        g.put(hprebn, dhprebn);
    }
}
