package ninja.model;

import ninja.tensor.Ops;
import ninja.tensor.Tensor;

/** A linear layer {@code out = x @ W + b}, used twice: embcat -> hprebn (W1, b1) and h -> logits (W2, b2). */
public final class Linear {
    private Linear() {
    }

    /** out = x @ W + b. */
    public static Tensor forward(Tensor x, Tensor W, Tensor b) {
        return Ops.add(Ops.matmul(x, W), b);
    }

    /**
     * dx = dout @ W^T,  dW = x^T @ dout,  db = sum_0(dout)  (b was broadcast over the batch, so its gradient is
     * summed over it).
     */
    public static void backward(Name outName, Name xName, Tensor x, Name wName, Tensor W, Name bName, Grads g) {
        Tensor dout = g.up(outName);
        g.put(xName, Ops.matmulBT(dout, W));
        g.put(wName, Ops.matmulAT(x, dout));
        g.put(bName, Ops.sum0(dout, false));
    }
}
