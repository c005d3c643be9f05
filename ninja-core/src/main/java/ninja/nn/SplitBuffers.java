package ninja.nn;

import ninja.tensor.Tensor;

/**
 * What every layer's {@link Layer.Split} keeps alike: the input its forward pieces read and the gradient its backward
 * pieces read, both given once when the step is built, and the plan's own buffers it hands on.
 */
abstract class SplitBuffers implements Layer.Split {
    protected Tensor x;                 // the layer's input (the tensor the layer before fills)
    protected Tensor dout;              // d loss / d out (the tensor the layer after fills)
    private final Tensor out, dx;       // the plan's: what the forward rows and the backward rows fill
    private final int columns;

    /** Over the plan's {@code out} and {@code dx} (null: no input gradient), {@code columns} wide (0: none). */
    SplitBuffers(Tensor out, Tensor dx, int columns) {
        this.out = out;
        this.dx = dx;
        this.columns = columns;
    }

    @Override
    public final Tensor out(Tensor in) {
        x = in;
        return out;
    }

    @Override
    public final Tensor dx(Tensor d) {
        dout = d;
        return dx;
    }

    @Override
    public final int columns() {
        return columns;
    }
}
