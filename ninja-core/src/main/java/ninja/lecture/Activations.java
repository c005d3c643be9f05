package ninja.lecture;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import ninja.tensor.Tensor;

/**
 * Every intermediate of the lecture's chunked forward pass, by its typed {@link Name}, kept for the backward pass.
 */
public final class Activations {
    private final Map<Name, Tensor> values = new EnumMap<>(Name.class);
    /** logits.max(1).indices: where dlogit_maxes flows back to. */
    public int[] logit_argmax;

    /** The forward value of an intermediate. */
    public Tensor get(Name name) {
        if (name.isParameter()) {
            throw new IllegalArgumentException(name + " is a parameter, not an intermediate");
        }
        return values.get(name);
    }

    /** Sets an intermediate (the forward pass, or another engine's forward value to run a backward step on). */
    public void set(Name name, Tensor t) {
        if (name.isParameter()) {
            throw new IllegalArgumentException(name + " is a parameter, not an intermediate");
        }
        values.put(name, t);
    }

    /** The intermediates in forward order, by typed name. */
    public Map<Name, Tensor> all() {
        Map<Name, Tensor> m = new EnumMap<>(Name.class);
        for (Name n : Name.FORWARD) {
            m.put(n, values.get(n));
        }
        return m;
    }

    /** The intermediates by their lecture names, in forward order: for the edges that speak strings. */
    public Map<String, Tensor> byName() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Name n : Name.FORWARD) {
            m.put(n.name(), values.get(n));
        }
        return m;
    }
}
