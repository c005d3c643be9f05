package ninja.nn;

import java.util.List;
import java.util.function.Function;
import ninja.tensor.Tensor;

/**
 * A layer of the lecture's part 3/5 library: its parameters, and for a given input shape a {@link Plan} with the
 * activations and gradients preallocated (as llm.c keeps one pointer set per layer), so a training step allocates
 * nothing. Each implementation keeps its forward, its hand-written backward and the formula side by side.
 *
 * <p>Every layer works on row-major data: a {@code [B, T, C]} tensor is {@code B*T} rows of {@code C}, so Linear and
 * BatchNorm1d treat 2-D and 3-D input alike and FlattenConsecutive is a change of shape only.
 */
public interface Layer {
    /** The output shape for this input shape; throws with both shapes when the input does not fit. */
    int[] outShape(int[] in);

    /** The learnable tensors, in torch's {@code parameters()} order. */
    List<Param> params();

    /** Non-learnable state that eval mode and checkpoints need (batchnorm's running statistics). */
    default List<Param> buffers() {
        return List.of();
    }

    /** Activations and gradients for inputs of exactly this shape. */
    Plan plan(int[] in);

    /**
     * The same forward in float64 and training mode, for finite differences: {@code x} has input shape {@code in}
     * (indices as exact doubles for Embedding); each parameter's values are read through {@code values} (float64
     * copies that the check perturbs one element at a time). Allocates freely: it is the reference, not the fast path.
     */
    double[] forward64(double[] x, int[] in, Function<Param, double[]> values);

    /** The lecture's class name and arguments, e.g. {@code Linear(48, 128, bias=False)}. */
    String describe();

    /** One layer's forward and backward over preallocated tensors. */
    interface Plan {
        /** out = layer(x); training mode uses batch statistics (and updates running ones, see {@link #commit}). */
        Tensor forward(Tensor x, boolean training);

        /**
         * dx from dout, writing this layer's parameter gradients (overwriting, not adding). Needs the forward of the
         * same batch to have run. Returns null for a layer whose input is not differentiable (Embedding).
         */
        Tensor backward(Tensor dout);

        /**
         * The parameter gradients of {@link #backward} alone, for a caller that computes dx itself (a step that keeps
         * a layer's units on two threads, {@link UnitSplitStep}). Default: the whole backward, its dx unused.
         */
        default void backwardParams(Tensor dout) {
            backward(dout);
        }

        /** After a training forward: fold the batch statistics into the running ones (no-op for most layers). */
        default void commit() {
        }

        /** SGD on this layer's parameters: {@code p += -lr * grad}. */
        default void update(float lr) {
        }

        /**
         * Writes a layout the plan keeps of its own (a transposed weight) back into the parameters' value and grad,
         * so code outside the step can read them. No-op for most layers.
         */
        default void sync() {
        }

        /** Re-reads the parameters after they were changed from outside (a checkpoint loaded into them). */
        default void reload() {
        }

        /** The output of the last forward (the lecture's {@code layer.out}). */
        Tensor out();

        /**
         * This plan's work cut for a training step whose batch is split between threads ({@link BatchSplitStep}),
         * over the plan's own buffers; null where the plan has no such cut (that step then does not run the model).
         */
        default Split split() {
            return null;
        }
    }

    /**
     * A plan's training step in pieces that threads can share ({@link BatchSplitStep}): the work of each output row
     * that reads only its own sample's rows ("rows", cut by samples), and the sums over all rows of the batch
     * ("columns", cut along the features they add up: batchnorm's units, the rows of a weight gradient). Each piece
     * does, for its rows or columns, the operations of {@link Plan#forward} and {@link Plan#backward}, in their
     * order: run over all rows and columns, the pieces give the plan's bits, however they are cut.
     */
    interface Split {
        /** The tensor the forward rows fill, for input x (kept for the pieces below). */
        Tensor out(Tensor x);

        /** The tensor the backward rows fill from dout (kept for the pieces below), or null: no input gradient. */
        Tensor dx(Tensor dout);

        /** How wide this layer's columns are (0: it has none). */
        default int columns() {
            return 0;
        }

        /** Whether the forward rows need {@link #forwardColumns} first (batch statistics). */
        default boolean statistics() {
            return false;
        }

        /**
         * The batch statistics of columns [c0, c1) (and the running ones); part (0 or 1) says whose: sums added row by
         * row go into scratch of the part's own.
         */
        default void forwardColumns(int part, int c0, int c1) {
        }

        /** The forward of samples [s0, s1). */
        void forwardRows(int s0, int s1);

        /** Work that reads only the parameters, before any {@link #backwardRows} (a packed copy of a weight). */
        default void prepare() {
        }

        /** Whether the backward rows need {@link #backwardColumns} first; else the sums may run after them. */
        default boolean sumsFirst() {
            return false;
        }

        /** The sums over all rows for columns [c0, c1) (part 0 or 1): parameter gradients, batchnorm's dgamma, dbeta. */
        default void backwardColumns(int part, int c0, int c1) {
        }

        /** The backward (dx) of samples [s0, s1). */
        default void backwardRows(int s0, int s1) {
        }

        /** SGD on the parameters of columns [c0, c1), after every piece of the step's backward. */
        default void update(float lr, int c0, int c1) {
        }
    }

    static IllegalArgumentException shapeError(String layer, String want, int[] got) {
        return new IllegalArgumentException(layer + " expects input " + want + ", got " + Tensor.shapeString(got));
    }
}
