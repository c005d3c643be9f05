package ninja.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.lecture.Weights;
import ninja.rng.TorchGenerator;
import ninja.tensor.Kernels;
import ninja.tensor.Ops;
import ninja.tensor.Simd;
import ninja.tensor.Tensor;

/**
 * {@code Linear(fan_in, fan_out, bias)}: {@code out = x @ weight (+ bias)} over the last dimension, for 2-D
 * {@code [B, fan_in]} and 3-D {@code [B, T, fan_in]} input alike (B*T rows).
 */
public final class Linear implements Layer {
    public final Param weight;          // [fan_in, fan_out]
    public final Param bias;            // [fan_out], or null for bias=False
    private final int fanIn, fanOut;
    private boolean transposed;

    /**
     * The lecture's constructor: {@code self.weight = torch.randn((fan_in, fan_out)) / fan_in**0.5} (kaiming init;
     * the Python float is rounded to float32 and divides each element, as torch does), bias zeros.
     */
    public Linear(int fanIn, int fanOut, boolean bias, TorchGenerator g) {
        this(kaiming(fanIn, fanOut, g), bias ? Tensor.zeros(fanOut) : null);
    }

    public Linear(Tensor weight, Tensor bias) {
        this(new Param("weight", weight), bias == null ? null : new Param("bias", bias));
    }

    /** Over given parameters (the lecture's W1 and b1, say); bias may be null. */
    public Linear(Param weight, Param bias) {
        this.weight = weight;
        this.bias = bias;
        this.fanIn = weight.value.dim(0);
        this.fanOut = weight.value.dim(1);
        if (bias != null && (bias.value.rank() != 1 || bias.value.dim(0) != fanOut)) {
            throw new IllegalArgumentException("Linear bias " + bias.value.shapeString() + " for weight "
                    + weight.value.shapeString());
        }
    }

    /**
     * This layer's plans keep the weight transposed, {@code WT[fan_out, fan_in]}, for a narrow output (the logits:
     * 27 wide): every inner loop then runs over fan_in, a row of 27 never has to fill vectors, and
     * {@code dx = dout @ WT} and {@code dWT = dout^T @ x} are row updates. The model chooses; the values are the
     * layer's either way, read them after {@link Plan#sync}.
     */
    public Linear transposedPlans() {
        transposed = true;
        return this;
    }

    /** Whether {@link #transposedPlans} was asked for. */
    public boolean hasTransposedPlans() {
        return transposed;
    }

    public int fanIn() {
        return fanIn;
    }

    public int fanOut() {
        return fanOut;
    }

    private static Tensor kaiming(int fanIn, int fanOut, TorchGenerator g) {
        float[] w = g.randn(fanIn * fanOut);
        float div = (float) Math.pow(fanIn, 0.5);
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] / div;
        }
        return Tensor.of(w, fanIn, fanOut);
    }

    @Override
    public int[] outShape(int[] in) {
        if (in.length < 2 || in[in.length - 1] != fanIn) {
            throw Layer.shapeError(describe(), "[..., " + fanIn + "]", in);
        }
        int[] out = in.clone();
        out[in.length - 1] = fanOut;
        return out;
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(List.of(weight));
        if (bias != null) {
            ps.add(bias);
        }
        return ps;
    }

    @Override
    public String describe() {
        return "Linear(" + fanIn + ", " + fanOut + (bias == null ? ", bias=False" : "") + ")";
    }

    @Override
    public double[] forward64(double[] x, int[] in, Function<Param, double[]> values) {
        double[] w = values.apply(weight), b = bias == null ? null : values.apply(bias);
        int rows = x.length / fanIn;
        double[] out = new double[rows * fanOut];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < fanIn; t++) {
                double xv = x[r * fanIn + t];
                for (int c = 0; c < fanOut; c++) {
                    out[r * fanOut + c] += xv * w[t * fanOut + c];
                }
            }
            for (int c = 0; b != null && c < fanOut; c++) {
                out[r * fanOut + c] += b[c];
            }
        }
        return out;
    }

    @Override
    public Plan plan(int[] in) {
        return transposed ? new TransposedPlan(in) : new LinearPlan(in);
    }

    private final class LinearPlan implements Plan {
        private final int rows;
        private final Tensor out;       // [..., fan_out]
        private final Tensor dx;        // [..., fan_in]
        private Tensor x;               // the last forward's input, kept for dweight
        private final float[] packedW;  // weight packed for dx (Kernels.packBT), or null where that does not pay

        LinearPlan(int[] in) {
            out = Tensor.zeros(outShape(in));
            dx = Tensor.zeros(in);
            rows = out.numel() / fanOut;
            packedW = Kernels.packedBTPays(rows, fanOut, fanIn) ? new float[Kernels.packedBTSize(fanIn, fanOut)] : null;
        }

        /** out = x @ weight + bias. */
        @Override
        public Tensor forward(Tensor x, boolean training) {
            this.x = x;
            Kernels.matmul(x.data(), weight.value.data(), bias == null ? null : bias.value.data(), out.data(), rows,
                    fanIn, fanOut);
            return out;
        }

        /**
         * <pre>
         * dweight = x^T @ dout      (summed over all B*T rows)
         * dbias   = sum_rows(dout)  (bias was broadcast over the rows)
         * dx      = dout @ weight^T
         * </pre>
         * dx from the weight packed ({@link Kernels#packBT}) where {@link Kernels#packedBTPays}: the same bits.
         */
        @Override
        public Tensor backward(Tensor dout) {
            float[] d = dout.data();
            backwardParams(dout);
            if (packedW == null) {
                Kernels.matmulBT(d, weight.value.data(), null, dx.data(), rows, fanOut, fanIn);
            } else {
                // the same bits, without horizontal sums: a short fan_out (the logits, 27) makes them half the work
                Kernels.packBT(weight.value.data(), fanIn, fanOut, packedW);
                Kernels.matmulBTPacked(d, packedW, null, dx.data(), rows, fanOut, fanIn);
            }
            return dx;
        }

        /** dweight = x^T @ dout, dbias = sum_rows(dout). */
        @Override
        public void backwardParams(Tensor dout) {
            Kernels.matmulAT(x.data(), dout.data(), weight.grad.data(), rows, fanIn, fanOut);
            if (bias != null) {
                Kernels.sumRows(dout.data(), bias.grad.data(), rows, fanOut);
            }
        }

        @Override
        public void update(float lr) {
            weight.sgd(lr);
            if (bias != null) {
                bias.sgd(lr);
            }
        }

        @Override
        public Tensor out() {
            return out;
        }

        /**
         * Rows of out and dx by samples (dot products of their own rows with the weight), the rows of dweight (its
         * fan_in) as columns: each is a sum over every row of the batch. The bias's gradient goes with the first.
         */
        @Override
        public Split split() {
            int perSample = rows / out.dim(0);
            return new SplitBuffers(out, dx, fanIn) {
                @Override
                public void forwardRows(int s0, int s1) {
                    Simd.INSTANCE.gemm(x.data(), fanIn, 1, weight.value.data(), bias == null ? null : bias.value.data(),
                            out.data(), s0 * perSample, s1 * perSample, fanIn, fanOut);
                }

                @Override
                public void prepare() {
                    if (packedW != null) {
                        Kernels.packBT(weight.value.data(), fanIn, fanOut, packedW);
                    }
                }

                @Override
                public void backwardRows(int s0, int s1) {
                    int r0 = s0 * perSample, r1 = s1 * perSample;
                    if (packedW == null) {
                        Simd.INSTANCE.gemmBT(dout.data(), weight.value.data(), null, dx.data(), r0, r1, fanOut, fanIn);
                    } else {
                        Simd.INSTANCE.gemmBTPacked(dout.data(), packedW, null, dx.data(), r0, r1, fanOut, fanIn);
                    }
                }

                /** dweight rows [c0, c1) = x[:, c0:c1]^T @ dout; dbias with the first columns. */
                @Override
                public void backwardColumns(int part, int c0, int c1) {
                    Simd.INSTANCE.gemm(x.data(), 1, fanIn, dout.data(), null, weight.grad.data(), c0, c1, rows, fanOut);
                    if (bias != null && c0 == 0) {
                        Kernels.sumRows(dout.data(), bias.grad.data(), rows, fanOut);
                    }
                }

                @Override
                public void update(float lr, int c0, int c1) {
                    weight.sgd(lr, c0 * fanOut, c1 * fanOut);
                    if (bias != null && c0 == 0) {
                        bias.sgd(lr);
                    }
                }
            };
        }
    }

    /** The same layer with the weight kept transposed inside the plan (see {@link #transposedPlans}). */
    private final class TransposedPlan implements Plan {
        private final int rows;
        private final Tensor out;       // [..., fan_out]
        private final Tensor dx;        // [..., fan_in]
        private final float[] WT;       // [fan_out, fan_in], the weight this plan computes with and updates
        private final float[] dWT;      // [fan_out, fan_in]
        private Tensor x;
        private boolean dirty;          // WT was updated since it was last written back into weight

        TransposedPlan(int[] in) {
            out = Tensor.zeros(outShape(in));
            dx = Tensor.zeros(in);
            rows = out.numel() / fanOut;
            WT = new float[fanIn * fanOut];
            dWT = new float[fanIn * fanOut];
            reload();
        }

        /** out = x @ weight + bias = dot products of the rows of x and WT. */
        @Override
        public Tensor forward(Tensor x, boolean training) {
            this.x = x;
            Kernels.matmulBT(x.data(), WT, bias == null ? null : bias.value.data(), out.data(), rows, fanIn, fanOut);
            return out;
        }

        /** dWT = dout^T @ x (dweight transposed), dbias = sum_rows(dout), dx = dout @ WT. */
        @Override
        public Tensor backward(Tensor dout) {
            float[] d = dout.data();
            Kernels.matmulAT(d, x.data(), dWT, rows, fanOut, fanIn);
            if (bias != null) {
                Kernels.sumRows(d, bias.grad.data(), rows, fanOut);
            }
            Kernels.matmul(d, WT, null, dx.data(), rows, fanOut, fanIn);
            return dx;
        }

        @Override
        public void update(float lr) {
            Simd.INSTANCE.axpy(-lr, dWT, 0, WT, 0, WT.length);
            if (bias != null) {
                bias.sgd(lr);
            }
            dirty = true;
        }

        /** Writes WT and dWT back into weight's [fan_in, fan_out] value and grad. */
        @Override
        public void sync() {
            transpose(dWT, weight.grad.data());
            if (dirty) {
                transpose(WT, weight.value.data());
                dirty = false;
            }
        }

        @Override
        public void reload() {
            float[] w = weight.value.data();
            for (int t = 0; t < fanIn; t++) {
                for (int c = 0; c < fanOut; c++) {
                    WT[c * fanIn + t] = w[t * fanOut + c];
                }
            }
            dirty = false;
        }

        private void transpose(float[] from, float[] to) {
            for (int t = 0; t < fanIn; t++) {
                for (int c = 0; c < fanOut; c++) {
                    to[t * fanOut + c] = from[c * fanIn + t];
                }
            }
        }

        @Override
        public Tensor out() {
            return out;
        }
    }

    // The lecture's readable version (Exercise 1), over the MLP's typed names: out reads (x, W, b), as Name says.

    /** out = x @ W + b. */
    public static void lectureForward(Name out, Weights p, Activations a) {
        List<Name> in = out.reads();
        a.set(out, Ops.add(Ops.matmul(a.get(in.get(0)), p.get(in.get(1))), p.get(in.get(2))));
    }

    /**
     * dx = dout @ W^T,  dW = x^T @ dout,  db = sum_0(dout)  (b was broadcast over the batch, so its gradient is
     * summed over it).
     */
    public static void lectureBackward(Name out, Weights p, Activations a, Grads g) {
        List<Name> in = out.reads();
        Tensor dout = g.up(out);
        g.put(in.get(0), Ops.matmulBT(dout, p.get(in.get(1))));
        g.put(in.get(1), Ops.matmulAT(a.get(in.get(0)), dout));
        g.put(in.get(2), Ops.sum0(dout, false));
    }
}
