package ninja.check;

import java.util.List;
import java.util.Map;
import ninja.data.Batch;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * A reference that can also run each backward step alone on any upstream gradient, not only the real one: what
 * exercises every branch. On the real upstream dlogit_maxes is ~1e-9, so a dlogits without its logit_maxes
 * branch looks right; on a random upstream it does not.
 */
public interface LocalVjp {
    /**
     * For each tensor x of {@code tensors} (names from the 26 of Exercise 1): {@code sum over y in Graph.CONSUMERS(x) of (dy/dx)^T upstream[y]},
     * each y one forward step computed from x with its other inputs held. {@code upstream} has a tensor for every
     * consumer ("loss" may be absent: then 1). Gradients of large parameters may be sampled (see
     * {@link Reference.Result#sampled}); values and loss are as in {@link Reference#compute}.
     */
    Reference.Result localVjps(Parameters p, Batch b, Map<String, Tensor> upstream, List<String> tensors);
}
