package ninja.model;

import static ninja.model.Name.*;

import ninja.tensor.Ops;
import ninja.tensor.Tensor;

/** The non-linearity h = tanh(hpreact). */
public final class Tanh {
    private Tanh() {
    }

    public static Tensor forward(Tensor hpreact) {
        return Ops.map(hpreact, x -> (float) Math.tanh(x));
    }

    /** dhpreact = (1 - h^2) * dh, since d tanh(x)/dx = 1 - tanh(x)^2. */
    public static void backward(Activations a, Grads g) {
        Tensor oneMinusH2 = Ops.map(Ops.mul(a.get(h), a.get(h)), x -> 1.0f - x);
        g.put(hpreact, Ops.mul(oneMinusH2, g.up(h)));
    }
}
