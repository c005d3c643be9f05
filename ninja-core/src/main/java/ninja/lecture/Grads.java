package ninja.lecture;

import java.util.EnumMap;
import java.util.Map;
import ninja.tensor.Tensor;

/**
 * The gradients the manual backward pass writes, by tensor ({@code hprebn} holds dhprebn).
 *
 * <p>Each backward step reads the gradient of its output with {@link #up}. Normally that is the gradient this
 * pass computed a step earlier (the chain). In local mode it is a reference engine's gradient instead, so
 * an error in one step shows in that step's row alone and does not flow down the chain.
 */
public final class Grads {
    private final Map<Name, Tensor> mine = new EnumMap<>(Name.class);
    /** A reference's gradients by lecture name (its result speaks strings), or null in chained mode. */
    private final Map<String, Tensor> upstream;

    private Grads(Map<String, Tensor> upstream) {
        this.upstream = upstream;
    }

    /** Each step is fed this pass's own upstream gradients. */
    public static Grads chained() {
        return new Grads(null);
    }

    /** Each step is fed the given (reference) upstream gradients, by lecture name. */
    public static Grads local(Map<String, Tensor> referenceGrads) {
        return new Grads(referenceGrads);
    }

    public void put(Name name, Tensor grad) {
        mine.put(name, grad);
    }

    /** The gradient of {@code name} to back-propagate from. */
    public Tensor up(Name name) {
        Tensor t = upstream != null ? upstream.get(name.name()) : mine.get(name);
        if (t == null) {
            throw new IllegalStateException("no upstream gradient for '" + name + "'"
                    + (upstream != null ? " in the reference" : " (backward steps ran out of order)"));
        }
        return t;
    }

    public Tensor get(Name name) {
        return mine.get(name);
    }

    /** Every gradient written, in the order of {@link Name}. */
    public Map<Name, Tensor> all() {
        return mine;
    }
}
