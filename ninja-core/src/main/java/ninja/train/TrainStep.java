package ninja.train;

import java.util.List;
import ninja.data.Batch;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.tensor.Tensor;

/**
 * One training step of the notebook's MLP, fast: the forward pass, the fused manual backward (Exercises 2 and 3, as
 * in the lecture's Exercise 4), the SGD update {@code p += -lr * grad}, and the running batchnorm statistics
 * {@code running = 0.999 running + 0.001 batch}: a {@link SequentialStep} over {@link Mlp#layers}, each layer's
 * plan preallocated, no allocation per step.
 *
 * <p><b>Parameters: call {@link #parameters()} (or {@link #syncParameters()}) before reading them.</b> The step
 * updates the given {@link Parameters} in place except W2, which the last Linear's plan keeps transposed
 * ({@code W2T[V, H]}, so every inner loop runs over the hidden dimension) and writes back only when asked. If
 * {@code p.W2} is changed from outside (a checkpoint loaded into the same object), call {@link #reload()}.
 */
public final class TrainStep {
    private final Parameters p;
    private final SequentialStep step;
    private final List<Param> byLectureOrder;
    private float lastLoss = Float.NaN;

    public TrainStep(Parameters p, int batchSize) {
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be at least 2 (batchnorm's variance divides by n-1), got "
                    + batchSize);
        }
        this.p = p;
        Sequential model = Mlp.layers(p);
        this.step = new SequentialStep(model, batchSize, p.blockSize());
        this.byLectureOrder = Parameters.NAMES.stream()
                .map(name -> model.params().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow())
                .toList();
    }

    /** Runs one step on the batch with learning rate lr; returns the batch loss before the update. */
    public float step(Batch b, float lr) {
        lastLoss = step.step(b, lr);
        return lastLoss;
    }

    /**
     * Forward and backward only, no update: the gradients of the seven trainable tensors in
     * {@link Parameters#NAMES} order and the lecture's shapes (dW2 as [H, V]). Allocates the returned tensors;
     * for tests and checks.
     */
    public Tensor[] gradients(Batch b) {
        lastLoss = step.forwardBackward(b);
        Tensor[] out = new Tensor[byLectureOrder.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = byLectureOrder.get(i).grad.copy();
        }
        return out;
    }

    /** The loss of the last forward pass. */
    public float lastLoss() {
        return lastLoss;
    }

    /** The parameters, current: W2 written back if it changed. Call before reading or saving them. */
    public Parameters parameters() {
        syncParameters();
        return p;
    }

    /** Writes the internal W2T back into {@code p.W2} ([H, V], the lecture's layout) if it changed. */
    public void syncParameters() {
        step.syncParameters();
    }

    /** Re-reads {@code p.W2} into the internal transposed copy (after p was changed from outside). */
    public void reload() {
        step.reload();
    }
}
