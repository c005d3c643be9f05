package ninja.nn;

import ninja.model.CrossEntropy;
import ninja.tensor.Tensor;

/**
 * {@code F.cross_entropy(logits, Y)}: the mean negative log-likelihood of the targets under the softmax of the
 * logits, and its gradient, for {@code [n, V]} logits.
 */
public final class CrossEntropyLoss {
    private final int n, vocab;
    private final Tensor dlogits;       // [n, V]
    private float loss = Float.NaN;

    public CrossEntropyLoss(int n, int vocab) {
        this.n = n;
        this.vocab = vocab;
        this.dlogits = Tensor.zeros(n, vocab);
    }

    /**
     * The loss, and (Exercise 2) its gradient at the same time, since both need the softmax:
     * <pre>
     * loss    = mean_i (log sum_v exp(logits[i, v]) - logits[i, Y[i]])
     * dlogits = (softmax(logits) - onehot(Y)) / n
     * </pre>
     */
    public float forwardBackward(Tensor logits, int[] y) {
        check(logits, y);
        loss = CrossEntropy.fusedForwardBackward(logits.data(), y, dlogits.data(), n, vocab);
        return loss;
    }

    /** The loss alone (evaluation). */
    public float forward(Tensor logits, int[] y) {
        check(logits, y);
        loss = CrossEntropy.fusedForwardBackward(logits.data(), y, null, n, vocab);
        return loss;
    }

    private void check(Tensor logits, int[] y) {
        if (logits.rank() != 2 || logits.dim(0) != n || logits.dim(1) != vocab || y.length != n) {
            throw new IllegalArgumentException("cross_entropy for [" + n + ", " + vocab + "] logits got "
                    + logits.shapeString() + " and " + y.length + " targets");
        }
    }

    /** The gradient of the last {@link #forwardBackward}. */
    public Tensor dlogits() {
        return dlogits;
    }

    public float loss() {
        return loss;
    }
}
