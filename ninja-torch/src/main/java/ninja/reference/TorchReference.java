package ninja.reference;

import static ninja.lecture.Name.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.check.Fingerprint;
import ninja.check.LocalVjp;
import ninja.check.Reference;
import ninja.data.Batch;
import ninja.lecture.Name;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * The lecture's "PyTorch backward pass": its chunked forward pass run with real libtorch ops in float32, in the
 * lecture's order of operations, and the autograd gradient of the loss for all 26 tensors of Exercise 1.
 *
 * <p>DJL has no {@code retain_grad()}: the gradient of a non-leaf reads as zeros. So the parameters' gradients
 * come from one backward pass, and each intermediate's from a pass of its own: the intermediate is detached into
 * a fresh leaf and every step after it in the forward order is recomputed from it (steps that do not depend on
 * it recompute constants), then backward. Autograd, not our formulas, computes every number.
 */
public final class TorchReference implements Reference, LocalVjp {
    @Override
    public String name() {
        return "torch";
    }

    /** Loads libtorch; {@link Torch.UnavailableException} when it cannot. */
    @Override
    public void start() {
        Torch.engine();
    }

    @Override
    public Result compute(Parameters p, Batch b) {
        Fingerprint fingerprint = Fingerprint.of(p, b);
        // one GradientCollector may be open per JVM, so one computation at a time
        synchronized (TorchReference.class) {
            try (NDManager m = Torch.newManager();
                    GradientCollector gc = Torch.engine().newGradientCollector()) {
                return run(m, gc, p, b, fingerprint);
            }
        }
    }

    /**
     * Each local backward step alone on the given upstream gradients, by autograd: x becomes a leaf, each forward
     * step that reads x is recomputed from it (its other inputs constants), and the backward of
     * {@code sum over y of (y * upstream[y]).sum()} leaves the VJP in x's gradient.
     */
    @Override
    public Result localVjps(Parameters p, Batch b, Map<String, Tensor> upstream, List<String> tensors) {
        Fingerprint fingerprint = Fingerprint.of(p, b);
        synchronized (TorchReference.class) {
            try (NDManager m = Torch.newManager();
                    GradientCollector gc = Torch.engine().newGradientCollector()) {
                Graph g = new Graph(m, p, b);
                Map<Name, NDArray> values = new EnumMap<>(Name.class);
                for (Name t : Name.PARAMETERS) {
                    values.put(t, Torch.toNd(m, p.get(t)));
                }
                g.forward(values, 0);
                Map<String, Tensor> grads = new LinkedHashMap<>();
                for (String name : tensors) {
                    Name x = Name.of(name);
                    Map<Name, NDArray> vv = new EnumMap<>(values);
                    NDArray leaf = vv.get(x).duplicate();
                    leaf.setRequiresGradient(true);
                    vv.put(x, leaf);
                    NDArray total = null;
                    for (Name y : x.consumers()) {
                        Tensor u = upstream.get(y.name()) != null ? upstream.get(y.name()) : Tensor.scalar(1f); // dloss = 1
                        NDArray term = g.step(y, vv).mul(Torch.toNd(m, u)).sum();
                        total = total == null ? term : total.add(term);
                    }
                    gc.backward(total);
                    grads.put(name, Torch.toTensor(leaf.getGradient()));
                }
                Map<String, Tensor> out = intermediates(values);
                return new Result(out, grads, out.get(Name.loss.name()).item(), fingerprint);
            }
        }
    }

    private static Result run(NDManager m, GradientCollector gc, Parameters p, Batch b, Fingerprint fingerprint) {
        Graph g = new Graph(m, p, b);

        // pass 1: the parameters as leaves, as in the lecture
        Map<Name, NDArray> values = new EnumMap<>(Name.class);
        for (Name t : Name.PARAMETERS) {
            NDArray leaf = Torch.toNd(m, p.get(t));
            leaf.setRequiresGradient(true);
            values.put(t, leaf);
        }
        g.forward(values, 0);
        gc.backward(values.get(Name.loss));
        Map<Name, Tensor> grads = new EnumMap<>(Name.class);
        for (Name t : Name.PARAMETERS) {
            grads.put(t, Torch.toTensor(values.get(t).getGradient()));
        }

        // one pass per intermediate: it becomes a leaf, everything downstream is recomputed from it
        Map<Name, NDArray> constValues = new EnumMap<>(Name.class);
        values.forEach((k, v) -> constValues.put(k, v.stopGradient()));
        for (Name t : Name.EXERCISE1) {
            if (t.isParameter()) {
                continue;
            }
            Map<Name, NDArray> start = new EnumMap<>(constValues);
            NDArray leaf = constValues.get(t).duplicate();
            leaf.setRequiresGradient(true);
            start.put(t, leaf);
            gc.backward(g.forward(start, t.step() + 1).get(Name.loss));
            grads.put(t, Torch.toTensor(leaf.getGradient()));
        }

        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Name t : Name.EXERCISE1) {
            ordered.put(t.name(), grads.get(t));
        }
        Map<String, Tensor> out = intermediates(constValues);
        return new Result(out, ordered, out.get(Name.loss.name()).item(), fingerprint);
    }

    /** The forward intermediates as tensors, by lecture name. */
    private static Map<String, Tensor> intermediates(Map<Name, NDArray> values) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Name t : Name.FORWARD) {
            out.put(t.name(), Torch.toTensor(values.get(t)));
        }
        return out;
    }

    /** The forward pass over one batch, with its constants created once and kept referenced (see the brief). */
    private static final class Graph {
        final int n;
        final NDArray xb;
        final NDIndex picked;
        final NDArray invN;
        final NDArray invNm1;
        final NDArray eps;
        final NDArray one;

        Graph(NDManager m, Parameters p, Batch b) {
            n = b.n();
            xb = Torch.indices(m, b.xb(), n, b.blockSize());
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = i;
            }
            picked = new NDIndex("{}, {}", Torch.indices(m, rows, n), Torch.indices(m, b.yb(), n));
            // Python floats meet a float32 tensor as float32: 1/n and 1/(n-1) are rounded to float once
            invN = Torch.scalar(m, (float) (1.0 / n));
            invNm1 = Torch.scalar(m, (float) (1.0 / (n - 1)));
            eps = Torch.scalar(m, 1e-5f);
            one = Torch.scalar(m, 1f);
        }

        /**
         * Runs the steps of {@link Name#FORWARD} from {@code from} on, reading the parameters and earlier values (and
         * the leaf) from {@code v}.
         */
        Map<Name, NDArray> forward(Map<Name, NDArray> v, int from) {
            for (int s = from; s < Name.FORWARD.size(); s++) {
                Name t = Name.FORWARD.get(s);
                v.put(t, step(t, v));
            }
            return v;
        }

        private NDArray step(Name t, Map<Name, NDArray> v) {
            return switch (t) {
                case emb -> v.get(C).get(new NDIndex("{}", xb));                             // C[Xb]
                case embcat -> v.get(emb).reshape(n, -1);                                     // emb.view(n, -1)
                case hprebn -> v.get(embcat).matMul(v.get(W1)).add(v.get(b1));           // embcat @ W1 + b1
                case bnmeani -> invN.mul(v.get(hprebn).sum(new int[] {0}, true));             // 1/n*hprebn.sum(0, keepdim=True)
                case bndiff -> v.get(hprebn).sub(v.get(bnmeani));                           // hprebn - bnmeani
                case bndiff2 -> v.get(bndiff).square();                                       // bndiff**2
                case bnvar -> invNm1.mul(v.get(bndiff2).sum(new int[] {0}, true));            // 1/(n-1)*(bndiff2).sum(0, keepdim=True)
                // (bnvar + 1e-5)**-0.5: for a Python-number exponent torch runs 1/sqrt(x) (pow_tensor_scalar's
                // rsqrt case); DJL only has a tensor exponent, which takes the general pow, so spell it out
                case bnvar_inv -> one.div(v.get(bnvar).add(eps).sqrt());
                case bnraw -> v.get(bndiff).mul(v.get(bnvar_inv));                          // bndiff * bnvar_inv
                case hpreact -> v.get(bngain).mul(v.get(bnraw)).add(v.get(bnbias));      // bngain * bnraw + bnbias
                case h -> v.get(hpreact).tanh();                                              // torch.tanh(hpreact)
                case logits -> v.get(h).matMul(v.get(W2)).add(v.get(b2));                // h @ W2 + b2
                case logit_maxes -> v.get(logits).max(new int[] {1}, true);                   // logits.max(1, keepdim=True).values
                case norm_logits -> v.get(logits).sub(v.get(logit_maxes));                  // logits - logit_maxes
                case counts -> v.get(norm_logits).exp();                                      // norm_logits.exp()
                case counts_sum -> v.get(counts).sum(new int[] {1}, true);                    // counts.sum(1, keepdims=True)
                case counts_sum_inv -> one.div(v.get(counts_sum));                            // counts_sum**-1 (torch: reciprocal)
                case probs -> v.get(counts).mul(v.get(counts_sum_inv));                     // counts * counts_sum_inv
                case logprobs -> v.get(probs).log();                                          // probs.log()
                case loss -> v.get(logprobs).get(picked).mean().neg();                        // -logprobs[range(n), Yb].mean()
                case C, W1, b1, W2, b2, bngain, bnbias -> throw new IllegalStateException(t + " is a parameter");
            };
        }
    }
}
