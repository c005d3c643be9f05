package ninja.reference;

import ninja.check.LayerGradients;
import ninja.check.LayerReference;
import ninja.data.Batch;
import ninja.nn.Sequential;

/** libtorch autograd over the same layer list ({@link TorchLayers}) as a reference for {@code check}. */
public final class TorchLayerReference implements LayerReference {
    @Override
    public String name() {
        return "torch";
    }

    @Override
    public LayerGradients compute(Sequential model, Batch b) {
        TorchLayers.Result r = TorchLayers.lossAndGradients(model, b);
        return new LayerGradients(r.loss(), r.dOuts(), r.grads(), null);
    }
}
