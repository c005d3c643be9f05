package ninja.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.model.Grads;

/**
 * The lecture's forward graph read backwards: for each of the 26 tensors of Exercise 1, the forward steps that
 * read it, in the order its backward line takes their gradients. A tensor's local backward step is the
 * vector-Jacobian product through exactly these steps: {@code dx = sum over y of (dy/dx)^T dy}, each y computed
 * from x with its other inputs held (dhprebn's bndiff branch holds bnmeani, its bnmeani branch is its own term).
 */
public final class Graph {
    public static final Map<String, List<String>> CONSUMERS = consumers();

    private Graph() {
    }

    private static Map<String, List<String>> consumers() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("logprobs", List.of("loss"));
        m.put("probs", List.of("logprobs"));
        m.put("counts_sum_inv", List.of("probs"));
        m.put("counts_sum", List.of("counts_sum_inv"));
        m.put("counts", List.of("probs", "counts_sum"));
        m.put("norm_logits", List.of("counts"));
        m.put("logit_maxes", List.of("norm_logits"));
        m.put("logits", List.of("norm_logits", "logit_maxes"));
        m.put("h", List.of("logits"));
        m.put("W2", List.of("logits"));
        m.put("b2", List.of("logits"));
        m.put("hpreact", List.of("h"));
        m.put("bngain", List.of("hpreact"));
        m.put("bnbias", List.of("hpreact"));
        m.put("bnraw", List.of("hpreact"));
        m.put("bnvar_inv", List.of("bnraw"));
        m.put("bnvar", List.of("bnvar_inv"));
        m.put("bndiff2", List.of("bnvar"));
        m.put("bndiff", List.of("bnraw", "bndiff2"));
        m.put("bnmeani", List.of("bndiff"));
        m.put("hprebn", List.of("bndiff", "bnmeani"));
        m.put("embcat", List.of("hprebn"));
        m.put("W1", List.of("hprebn"));
        m.put("b1", List.of("hprebn"));
        m.put("emb", List.of("embcat"));
        m.put("C", List.of("emb"));
        if (!List.copyOf(m.keySet()).equals(Grads.EXERCISE1)) {
            throw new AssertionError("Graph.CONSUMERS out of step with Grads.EXERCISE1");
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
