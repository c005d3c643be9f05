package ninja.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.tensor.Tensor;

/**
 * The gradients the manual backward pass writes, by tensor name ({@code "hprebn"} holds dhprebn).
 *
 * <p>Each backward step reads the gradient of its output with {@link #up}. Normally that is the gradient this
 * pass computed a step earlier (the chain). In local mode it is a reference engine's gradient instead, so
 * an error in one step shows in that step's row alone and does not flow down the chain.
 */
public final class Grads {
    /** The 26 tensors the lecture's Exercise 1 checks, in its order. */
    public static final List<String> EXERCISE1 = List.of("logprobs", "probs", "counts_sum_inv", "counts_sum",
            "counts", "norm_logits", "logit_maxes", "logits", "h", "W2", "b2", "hpreact", "bngain", "bnbias",
            "bnraw", "bnvar_inv", "bnvar", "bndiff2", "bndiff", "bnmeani", "hprebn", "embcat", "W1", "b1", "emb",
            "C");

    private final Map<String, Tensor> mine = new LinkedHashMap<>();
    private final Map<String, Tensor> upstream;

    private Grads(Map<String, Tensor> upstream) {
        this.upstream = upstream;
    }

    /** Each step is fed this pass's own upstream gradients. */
    public static Grads chained() {
        return new Grads(null);
    }

    /** Each step is fed the given (reference) upstream gradients. */
    public static Grads local(Map<String, Tensor> referenceGrads) {
        return new Grads(referenceGrads);
    }

    public void put(String name, Tensor grad) {
        mine.put(name, grad);
    }

    /** The gradient of {@code name} to back-propagate from. */
    public Tensor up(String name) {
        Tensor t = upstream != null ? upstream.get(name) : mine.get(name);
        if (t == null) {
            throw new IllegalStateException("no upstream gradient for '" + name + "'"
                    + (upstream != null ? " in the reference" : " (backward steps ran out of order)"));
        }
        return t;
    }

    public Tensor get(String name) {
        return mine.get(name);
    }

    public Map<String, Tensor> all() {
        return mine;
    }
}
