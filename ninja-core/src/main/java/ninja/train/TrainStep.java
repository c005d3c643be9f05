package ninja.train;

import ninja.model.Activations;
import ninja.model.Batch;
import ninja.model.Grads;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * One training step: forward, the fused manual backward (Exercises 2 and 3), SGD update, and the running
 * batchnorm statistics. (Readable first version on {@link Mlp}; to be replaced by the preallocated fast path.)
 */
public final class TrainStep {
    /** Momentum of the running batchnorm statistics, as in the lecture: running = 0.999 running + 0.001 batch. */
    public static final float RUNNING_MOMENTUM = 0.001f;

    private final Parameters p;

    public TrainStep(Parameters p, int batchSize) {
        this.p = p;
    }

    /** Runs one step on the batch with learning rate lr; returns the batch loss before the update. */
    public float step(Batch b, float lr) {
        Activations a = Mlp.forward(p, b);
        Grads g = Mlp.backward(p, b, a, Mlp.Mode.FUSED, Grads.chained());
        Tensor[] grads = Mlp.parameterGrads(g);
        java.util.List<Tensor> params = p.trainable();
        for (int k = 0; k < grads.length; k++) {
            float[] w = params.get(k).data();
            float[] d = grads[k].data();
            for (int i = 0; i < w.length; i++) {
                w[i] += -lr * d[i];
            }
        }
        updateRunning(a);
        return a.loss.item();
    }

    private void updateRunning(Activations a) {
        int h = p.nHidden();
        float[] mean = p.bnmean.data();
        float[] std = p.bnstd.data();
        for (int j = 0; j < h; j++) {
            float bnstdi = (float) Math.sqrt(a.bnvar.data()[j]);
            mean[j] = (1 - RUNNING_MOMENTUM) * mean[j] + RUNNING_MOMENTUM * a.bnmeani.data()[j];
            std[j] = (1 - RUNNING_MOMENTUM) * std[j] + RUNNING_MOMENTUM * bnstdi;
        }
    }
}
