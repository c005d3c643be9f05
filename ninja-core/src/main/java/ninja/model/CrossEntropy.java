package ninja.model;

import static ninja.model.Name.*;

import ninja.tensor.Ops;
import ninja.tensor.Tensor;

/**
 * Mean cross-entropy of the logits against the targets: the lecture's eight chunks (atomic) and Exercise 2's
 * one-line backward (fused). The fused loop is the one the fast training step runs.
 */
public final class CrossEntropy {
    private static final ninja.tensor.Simd SIMD = ninja.tensor.Simd.INSTANCE;
    private CrossEntropy() {
    }

    public static void forward(Activations a, int[] yb) {
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
        a.set(loss, Tensor.scalar(-(sum / n)));
    }

    /** Exercise 1's cross-entropy steps, from the loss back to dlogits. */
    public static void backward(Activations a, int[] yb, Grads g) {
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
    public static float fusedBackward(Tensor logits, int[] yb, Grads g) {
        int n = logits.dim(0), v = logits.dim(1);
        Tensor dlogits = Tensor.zeros(n, v);
        float loss = fusedForwardBackward(logits.data(), yb, dlogits.data(), n, v);
        g.put(Name.logits, dlogits);
        return loss;
    }

    /**
     * Loss and dlogits on row-major arrays: softmax with the max subtracted, the loss as
     * {@code log(sum exp) - (logit_y - max)}, then {@code dlogits = (probs - onehot) / n}.
     * {@code dlogits} may be null for a forward-only pass.
     */
    public static float fusedForwardBackward(float[] logits, int[] yb, float[] dlogits, int n, int v) {
        float lossSum = 0f;
        float fn = n;
        for (int i = 0; i < n; i++) {
            int r = i * v;
            float max = SIMD.max(logits, r, v);
            float sum = SIMD.expShiftSum(logits, r, max, dlogits, r, v);  // counts = exp(logits - max)
            lossSum += (float) Math.log(sum) - (logits[r + yb[i]] - max);
            if (dlogits != null) {
                float inv = 1.0f / sum;
                float py = dlogits[r + yb[i]] * inv;
                SIMD.scaleDiv(dlogits, r, inv, fn, v);  // probs / n
                dlogits[r + yb[i]] = (py - 1.0f) / fn;  // (probs - 1) / n at the target
            }
        }
        return lossSum / n;
    }
}
