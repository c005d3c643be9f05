package ninja.check;

import java.util.Map;
import ninja.data.Batch;
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

    /** Starts what the reference needs (a native library) now, so a failure shows before any work. */
    default void start() {
    }

    /**
     * @param values forward intermediates by the lecture's names (may be empty for references without them)
     * @param grads gradients by tensor name: the 26 of {@link ninja.lecture.Grads#EXERCISE1}, where available
     * @param loss the reference's loss
     * @param fingerprint the parameters and batch the result was computed from
     * @param sampled for a gradient computed at some elements only (finite differences on a large tensor), the
     *     flat indices it was computed at, sorted; the other elements are NaN. A tensor not in this map is complete.
     */
    record Result(Map<String, Tensor> values, Map<String, Tensor> grads, double loss, Fingerprint fingerprint,
            Map<String, int[]> sampled) {

        /** A result whose gradients are all complete. */
        public Result(Map<String, Tensor> values, Map<String, Tensor> grads, double loss, Fingerprint fingerprint) {
            this(values, grads, loss, fingerprint, Map.of());
        }

        public Result {
            sampled = sampled == null ? Map.of() : sampled;
        }

        /** The flat indices the gradient of {@code name} was computed at, or null when it is complete. */
        public int[] sampledIndices(String name) {
            return sampled.get(name);
        }
    }
}
