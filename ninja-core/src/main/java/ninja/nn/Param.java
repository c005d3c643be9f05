package ninja.nn;

import ninja.tensor.Tensor;

/**
 * A learnable tensor and its gradient, named as torch would name it inside the model ({@code layers.2.weight}).
 * The object itself is the key: code asks a layer for its {@code weight} field, never a map for a string.
 */
public final class Param {
    private String name;
    public final Tensor value;
    public final Tensor grad;

    public Param(String name, Tensor value) {
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
    }

    /** The name within the model, e.g. {@code layers.2.weight}; set by {@link Sequential} as it adds layers. */
    public String name() {
        return name;
    }

    void rename(String newName) {
        this.name = newName;
    }

    /** SGD: value += -lr * grad (one axpy, as the fast step has always done it). */
    public void sgd(float lr) {
        ninja.tensor.Simd.INSTANCE.axpy(-lr, grad.data(), 0, value.data(), 0, value.numel());
    }

    /** SGD on elements [from, to) only: the same operation on each as {@link #sgd(float)}. */
    public void sgd(float lr, int from, int to) {
        ninja.tensor.Simd.INSTANCE.axpy(-lr, grad.data(), from, value.data(), from, to - from);
    }

    public int numel() {
        return value.numel();
    }

    @Override
    public String toString() {
        return name + value.shapeString();
    }
}
