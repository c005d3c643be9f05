package ninja.nn;

import ninja.tensor.Tensor;

/**
 * The backward pass of a training step written outside the layers (Exercise 5's learner file): called after the
 * training forward of the batch, it sets every parameter's {@code grad} (overwriting), as the layers' own backward
 * does. The step then updates and commits as usual.
 */
@FunctionalInterface
public interface StepBackward {
    /**
     * @param plan the model's plan, its forward just run on xb ({@code plan.layer(i).out()} is layers[i].out)
     * @param xb the contexts {@code [B, block]} as floats (the Embedding's indices)
     * @param yb the targets
     */
    void backward(Sequential.SequentialPlan plan, Tensor xb, int[] yb);
}
