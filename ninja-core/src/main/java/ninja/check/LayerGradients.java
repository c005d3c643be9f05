package ninja.check;

import java.util.List;
import java.util.Map;
import ninja.nn.Param;
import ninja.tensor.Tensor;

/**
 * The gradients of a layer model's loss from one source (our hand-written backward, libtorch autograd, finite
 * differences): of every layer's output (by layer index, null where a source has none) and of every parameter.
 *
 * @param loss the source's loss
 * @param outputs d loss / d layers[i].out, for each layer i
 * @param params d loss / d p, for each parameter
 * @param sampled for a gradient known at some elements only, the sorted flat indices (the others are NaN); keyed by
 *     the parameter, or by the layer index (an Integer) for an output. Absent: complete.
 */
public record LayerGradients(double loss, List<Tensor> outputs, Map<Param, Tensor> params, Map<Object, int[]> sampled) {
    public LayerGradients {
        sampled = sampled == null ? Map.of() : sampled;
    }
}
