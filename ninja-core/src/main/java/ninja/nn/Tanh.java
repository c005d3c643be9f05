package ninja.nn;

import java.util.List;
import java.util.function.Function;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.tensor.FastMath;
import ninja.tensor.Ops;
import ninja.tensor.Simd;
import ninja.tensor.Tensor;

/** {@code Tanh()}: {@code out = tanh(x)}, elementwise, any shape. */
public final class Tanh implements Layer {
    @Override
    public int[] outShape(int[] in) {
        return in.clone();
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public String describe() {
        return "Tanh()";
    }

    @Override
    public double[] forward64(double[] x, int[] in, Function<Param, double[]> values) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.tanh(x[i]);
        }
        return out;
    }

    @Override
    public Plan plan(int[] in) {
        Tensor out = Tensor.zeros(in);
        Tensor dx = Tensor.zeros(in);
        return new Plan() {
            /** out = tanh(x), as {@link FastMath#tanh} (within an ulp of Math.tanh). */
            @Override
            public Tensor forward(Tensor x, boolean training) {
                Simd.INSTANCE.tanh(x.data(), 0, out.data(), 0, out.numel());
                return out;
            }

            /** dx = (1 - out^2) * dout, since d tanh(x)/dx = 1 - tanh(x)^2. */
            @Override
            public Tensor backward(Tensor dout) {
                System.arraycopy(dout.data(), 0, dx.data(), 0, dx.numel());
                Simd.INSTANCE.tanhBackward(out.data(), dx.data(), 0, dx.numel());
                return dx;
            }

            @Override
            public Tensor out() {
                return out;
            }

            /** Elementwise: all rows. */
            @Override
            public Split split() {
                int perSample = out.numel() / out.dim(0);
                return new SplitBuffers(out, dx, 0) {
                    @Override
                    public void forwardRows(int s0, int s1) {
                        int o = s0 * perSample;
                        Simd.INSTANCE.tanh(x.data(), o, out.data(), o, (s1 - s0) * perSample);
                    }

                    @Override
                    public void backwardRows(int s0, int s1) {
                        int o = s0 * perSample, len = (s1 - s0) * perSample;
                        System.arraycopy(dout.data(), o, dx.data(), o, len);
                        Simd.INSTANCE.tanhBackward(out.data(), dx.data(), o, len);
                    }
                };
            }
        };
    }

    // The lecture's readable version (Exercise 1), over the MLP's typed names: out = tanh(x), exactly (Math.tanh).

    /** out = tanh(x). */
    public static void lectureForward(Name out, Activations a) {
        a.set(out, Ops.map(a.get(out.reads().get(0)), x -> (float) Math.tanh(x)));
    }

    /** dx = (1 - out^2) * dout, since d tanh(x)/dx = 1 - tanh(x)^2. */
    public static void lectureBackward(Name out, Activations a, Grads g) {
        Tensor oneMinusOut2 = Ops.map(Ops.mul(a.get(out), a.get(out)), x -> 1.0f - x);
        g.put(out.reads().get(0), Ops.mul(oneMinusOut2, g.up(out)));
    }
}
