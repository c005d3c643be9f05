package ninja.nn;

import java.util.List;
import java.util.function.Function;
import ninja.tensor.Tensor;

/**
 * {@code FlattenConsecutive(n)}: {@code [B, T, C] -> [B, T/n, C*n]}, squeezed to {@code [B, C*n]} when T/n is 1.
 * In row-major order the data does not move, so forward and backward are views of the same floats.
 */
public final class FlattenConsecutive implements Layer {
    private final int n;

    public FlattenConsecutive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FlattenConsecutive needs n >= 1, got " + n);
        }
        this.n = n;
    }

    public int n() {
        return n;
    }

    @Override
    public int[] outShape(int[] in) {
        if (in.length != 3 || in[1] % n != 0) {
            throw Layer.shapeError(describe(), "[B, T, C] with T divisible by " + n, in);
        }
        int t = in[1] / n;
        return t == 1 ? new int[] {in[0], in[2] * n} : new int[] {in[0], t, in[2] * n};
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public String describe() {
        return "FlattenConsecutive(" + n + ")";
    }

    @Override
    public double[] forward64(double[] x, int[] in, Function<Param, double[]> values) {
        return x;
    }

    @Override
    public Plan plan(int[] in) {
        int[] outShape = outShape(in);
        return new Plan() {
            // the views are made once per buffer: the layers before and after hand the same arrays every step
            private Tensor out, dx;

            /** out = x.view(B, T//n, C*n), squeezed: the same data. */
            @Override
            public Tensor forward(Tensor x, boolean training) {
                if (out == null || out.data() != x.data()) {
                    out = x.view(outShape);
                }
                return out;
            }

            /** dx = dout.view(B, T, C): a reshape moves no gradient. */
            @Override
            public Tensor backward(Tensor dout) {
                if (dx == null || dx.data() != dout.data()) {
                    dx = dout.view(in);
                }
                return dx;
            }

            @Override
            public Tensor out() {
                return out;
            }

            /** Nothing to compute: views. */
            @Override
            public Split split() {
                return new Split() {
                    @Override
                    public Tensor out(Tensor x) {
                        return x.view(outShape);
                    }

                    @Override
                    public Tensor dx(Tensor dout) {
                        return dout.view(in);
                    }

                    @Override
                    public void forwardRows(int s0, int s1) {
                    }
                };
            }
        };
    }
}
