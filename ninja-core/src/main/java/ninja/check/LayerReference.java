package ninja.check;

import ninja.data.Batch;
import ninja.nn.Sequential;

/** A source of truth for a layer model's gradients: libtorch autograd over the same layer list, or finite differences. */
public interface LayerReference {
    /** "torch" or "fd". */
    String name();

    /** The loss and the gradient of every layer's output and every parameter, training mode, for this batch. */
    LayerGradients compute(Sequential model, Batch b);
}
