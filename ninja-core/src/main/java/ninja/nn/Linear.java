package ninja.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import ninja.rng.TorchGenerator;
import ninja.tensor.Kernels;
import ninja.tensor.Tensor;

/**
 * {@code Linear(fan_in, fan_out, bias)}: {@code out = x @ weight (+ bias)} over the last dimension, for 2-D
 * {@code [B, fan_in]} and 3-D {@code [B, T, fan_in]} input alike (B*T rows).
 */
public final class Linear implements Layer {
    public final Param weight;          // [fan_in, fan_out]
    public final Param bias;            // [fan_out], or null for bias=False
    private final int fanIn, fanOut;

    /**
     * The lecture's constructor: {@code self.weight = torch.randn((fan_in, fan_out)) / fan_in**0.5} (kaiming init;
     * the Python float is rounded to float32 and divides each element, as torch does), bias zeros.
     */
    public Linear(int fanIn, int fanOut, boolean bias, TorchGenerator g) {
        this(kaiming(fanIn, fanOut, g), bias ? Tensor.zeros(fanOut) : null);
    }

    public Linear(Tensor weight, Tensor bias) {
        this.weight = new Param("weight", weight);
        this.bias = bias == null ? null : new Param("bias", bias);
        this.fanIn = weight.dim(0);
        this.fanOut = weight.dim(1);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != fanOut)) {
            throw new IllegalArgumentException("Linear bias " + bias.shapeString() + " for weight " + weight.shapeString());
        }
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
        return new LinearPlan(in);
    }

    private final class LinearPlan implements Plan {
        private final int rows;
        private final Tensor out;       // [..., fan_out]
        private final Tensor dx;        // [..., fan_in]
        private Tensor x;               // the last forward's input, kept for dweight

        LinearPlan(int[] in) {
            out = Tensor.zeros(outShape(in));
            dx = Tensor.zeros(in);
            rows = out.numel() / fanOut;
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
         */
        @Override
        public Tensor backward(Tensor dout) {
            float[] d = dout.data();
            Kernels.matmulAT(x.data(), d, weight.grad.data(), rows, fanIn, fanOut);
            if (bias != null) {
                Kernels.sumRows(d, bias.grad.data(), rows, fanOut);
            }
            Kernels.matmulBT(d, weight.value.data(), null, dx.data(), rows, fanOut, fanIn);
            return dx;
        }

        @Override
        public Tensor out() {
            return out;
        }
    }
}
