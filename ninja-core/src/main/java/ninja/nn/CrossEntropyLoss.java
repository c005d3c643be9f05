package ninja.nn;

import static ninja.lecture.Name.*;

import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.tensor.CrossEntropyKernels;
import ninja.tensor.Ops;
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
        loss = CrossEntropyKernels.fusedForwardBackward(logits.data(), y, dlogits.data(), n, vocab);
        return loss;
    }

    /** The loss alone (evaluation). */
    public float forward(Tensor logits, int[] y) {
        check(logits, y);
        loss = CrossEntropyKernels.fusedForwardBackward(logits.data(), y, null, n, vocab);
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

    // The lecture's chunks, readable (Exercises 1 and 2), over the MLP's typed names; the methods above are the fast ones.

    /** The MLP's name for this loss's input. */
    public static final Name LECTURE_IN = logits;

    /** The lecture's eight chunks of the loss, one line each, from logits to loss. */
    public static void lectureForward(Activations a, int[] yb) {
        int n = a.get(logits).dim(0);
        a.logit_argmax = new int[n];
        a.set(logit_maxes, Ops.max1(a.get(logits), a.logit_argmax));           // logit_maxes = logits.max(1, keepdim=True).values
        a.set(norm_logits, Ops.sub(a.get(logits), a.get(logit_maxes)));        // norm_logits = logits - logit_maxes
        a.set(counts, Ops.map(a.get(norm_logits), x -> (float) Math.exp(x)));  // counts = norm_logits.exp()
        a.set(counts_sum, Ops.sum1(a.get(counts)));                            // counts_sum = counts.sum(1, keepdims=True)
        a.set(counts_sum_inv, Ops.map(a.get(counts_sum), x -> 1.0f / x));      // counts_sum_inv = counts_sum**-1
        a.set(probs, Ops.mul(a.get(counts), a.get(counts_sum_inv)));           // probs = counts * counts_sum_inv
        a.set(logprobs, Ops.map(a.get(probs), x -> (float) Math.log(x)));      // logprobs = probs.log()
        float sum = 0f;                                                        // loss = -logprobs[range(n), Yb].mean()
        for (int i = 0; i < n; i++) {
            sum += a.get(logprobs).get(i, yb[i]);
        }
        a.set(Name.loss, Tensor.scalar(-(sum / n)));
    }

    /** Exercise 1's cross-entropy steps, from the loss back to dlogits. */
    public static void lectureBackward(Activations a, int[] yb, Grads g) {
        int n = a.get(logits).dim(0);
        // loss = -mean_i logprobs[i, Yb[i]]: only the picked entries get a gradient, -1/n each
        Tensor dlogprobs = Tensor.zeros(a.get(logprobs).shape());
        for (int i = 0; i < n; i++) {
            dlogprobs.set(i, yb[i], (float) (-1.0 / n));
        }
        g.put(logprobs, dlogprobs);
        // logprobs = log(probs)
        g.put(probs, Ops.mul(Ops.map(a.get(probs), x -> 1.0f / x), g.up(logprobs)));  // dprobs = (1/probs) * dlogprobs
        // probs = counts * counts_sum_inv, counts_sum_inv broadcast over each row
        Tensor dprobs = g.up(probs);
        g.put(counts_sum_inv, Ops.sum1(Ops.mul(a.get(counts), dprobs)));  // dcounts_sum_inv = sum_1(counts * dprobs)
        Tensor dcounts = Ops.mul(a.get(counts_sum_inv), dprobs);          // dcounts = counts_sum_inv * dprobs (first branch)
        // counts_sum_inv = counts_sum^-1  =>  d/dcounts_sum = -counts_sum^-2
        Tensor minusInvSq = Ops.map(a.get(counts_sum), x -> -(1.0f / (x * x)));
        g.put(counts_sum, Ops.mul(minusInvSq, g.up(counts_sum_inv)));
        // counts_sum = sum_1(counts): second branch, every count of the row gets dcounts_sum
        Ops.addInto(dcounts, Ops.mul(Tensor.full(1.0f, a.get(counts).shape()), g.up(counts_sum)));
        g.put(counts, dcounts);
        // counts = exp(norm_logits)  =>  d/dnorm_logits = counts
        g.put(norm_logits, Ops.mul(a.get(counts), g.up(counts)));
        // norm_logits = logits - logit_maxes, logit_maxes broadcast over each row
        Tensor dnorm = g.up(norm_logits);
        Tensor dlogits = dnorm.copy();                          // dlogits = dnorm_logits (first branch)
        g.put(logit_maxes, Ops.sum1(Ops.map(dnorm, x -> -x)));  // dlogit_maxes = sum_1(-dnorm_logits)
        // logit_maxes = max_1(logits): the gradient flows to the position of each row's maximum
        Tensor dmax = g.up(logit_maxes);
        Tensor oneHot = Tensor.zeros(a.get(logits).shape());
        for (int i = 0; i < n; i++) {
            oneHot.set(i, a.logit_argmax[i], 1.0f);
        }
        Ops.addInto(dlogits, Ops.mul(oneHot, dmax));
        g.put(logits, dlogits);
    }

    /**
     * Exercise 2: {@code dlogits = (softmax(logits) - onehot(Yb)) / n}, on tensors. Returns the loss.
     */
    public static float lectureFusedBackward(Activations a, int[] yb, Grads g) {
        Tensor x = a.get(logits);
        int n = x.dim(0), v = x.dim(1);
        Tensor dlogits = Tensor.zeros(n, v);
        float loss = CrossEntropyKernels.fusedForwardBackward(x.data(), yb, dlogits.data(), n, v);
        g.put(logits, dlogits);
        return loss;
    }
}
