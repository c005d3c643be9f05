package ninja.check;

import java.util.Map;
import ninja.model.Batch;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * An independent source of truth for the gradients: libtorch autograd (module ninja-torch) or central finite
 * differences in float64. Given the same parameters and batch it returns the
 * forward intermediates and the gradient of the loss for every tensor it can.
 */
public interface Reference {

    /** "torch" or "fd". */
    String name();

    Result compute(Parameters p, Batch b);

    /**
     * @param values forward intermediates by the lecture's names (may be empty for references without them)
     * @param grads gradients by tensor name: the 26 of {@link ninja.model.Grads#EXERCISE1}, where available
     * @param loss the reference's loss
     * @param fingerprint the parameters and batch the result was computed from
     */
    record Result(Map<String, Tensor> values, Map<String, Tensor> grads, double loss, Fingerprint fingerprint) {
    }
}
