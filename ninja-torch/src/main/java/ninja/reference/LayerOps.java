package ninja.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import ninja.nn.BatchNorm1d;
import ninja.nn.Embedding;
import ninja.nn.FlattenConsecutive;
import ninja.nn.Layer;
import ninja.nn.Linear;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.nn.Tanh;

/**
 * The forward of each {@link ninja.nn} layer in libtorch ops, as makemore part 5's classes write it, so that
 * autograd (not our formulas) differentiates it. The parameters' values come from a function (leaves, or a
 * trainer's arrays); every scalar constant is one NDArray made once and kept here, because DJL frees the
 * temporary tensor it builds from a Java number while autograd still needs it (random NaN gradients).
 */
final class LayerOps {
    /**
     * A training forward's batch statistics of one BatchNorm1d, for the running update, and what a manual backward
     * needs: std = sqrt(xvar + eps) and xhat.
     */
    record BatchStats(NDArray xmean, NDArray xvar, NDArray std, NDArray xhat) {
    }

    private final NDManager home;
    private final Map<Float, NDArray> scalars = new HashMap<>();
    private NDManager lentTo;

    /** Constants live in {@code home} (close it to free them). */
    LayerOps(NDManager home) {
        this.home = home;
    }

    /** The float32 0-dim constant v, made once. */
    NDArray scalar(float v) {
        NDArray s = scalars.get(v);
        if (s == null) {
            s = home.create(v);
            scalars.put(v, s);
            if (lentTo != null) {
                s.tempAttach(lentTo);
            }
        }
        return s;
    }

    /**
     * Lends every constant to a step's manager: an op's result joins the manager of its first operand, so what is
     * computed from a constant is freed with the step (the constants return home when it closes).
     */
    void lend(NDManager step) {
        lentTo = step;
        for (NDArray s : scalars.values()) {
            s.tempAttach(step);
        }
    }

    /** The layer's output for x; {@code stats} (may be null) receives each training batchnorm's statistics. */
    NDArray forward(Layer l, NDArray x, Function<Param, NDArray> p, boolean training,
            Map<BatchNorm1d, BatchStats> stats) {
        if (l instanceof Embedding e) {
            return p.apply(e.weight).get(x);                                   // self.weight[IX]
        }
        if (l instanceof FlattenConsecutive f) {
            long[] s = x.getShape().getShape();                                 // B, T, C = x.shape
            NDArray out = x.reshape(s[0], s[1] / f.n(), s[2] * f.n());          // x.view(B, T//n, C*n)
            return s[1] / f.n() == 1 ? out.squeeze(1) : out;                     // if x.shape[1] == 1: x.squeeze(1)
        }
        if (l instanceof Linear lin) {
            NDArray out = x.matMul(p.apply(lin.weight));                         // x @ self.weight
            return lin.bias == null ? out : out.add(p.apply(lin.bias));          // += self.bias
        }
        if (l instanceof BatchNorm1d bn) {
            return batchNorm(bn, x, p, training, stats);
        }
        if (l instanceof Tanh) {
            return x.tanh();                                                     // torch.tanh(x)
        }
        if (l instanceof Sequential seq) {
            NDArray out = x;
            for (Layer inner : seq.layers()) {
                out = forward(inner, out, p, training, stats);
            }
            return out;
        }
        throw new IllegalArgumentException("no libtorch interpretation of layer " + l.describe());
    }

    private NDArray batchNorm(BatchNorm1d bn, NDArray x, Function<Param, NDArray> p, boolean training,
            Map<BatchNorm1d, BatchStats> stats) {
        NDArray xmean;
        NDArray xvar;
        if (training) {
            long[] s = x.getShape().getShape();
            int[] dims = s.length == 2 ? new int[] {0} : new int[] {0, 1};      // dim = 0, or (0, 1) for 3-D
            long n = s.length == 2 ? s[0] : s[0] * s[1];
            NDArray count = scalar((float) n);
            // x.mean(dim, keepdim=True); DJL's mean takes one axis, torch's CPU mean is sum(dim) / n anyway
            xmean = x.sum(dims, true).div(count);
            // x.var(dim, keepdim=True), unbiased; DJL has no var, so its definition: sum((x - xmean)^2) / (n-1)
            xvar = x.sub(xmean).square().sum(dims, true).div(scalar((float) (n - 1)));
        } else {
            xmean = p.apply(bn.runningMean);
            xvar = p.apply(bn.runningVar);
        }
        NDArray std = xvar.add(scalar(bn.eps())).sqrt();
        NDArray xhat = x.sub(xmean).div(std);                                  // (x - xmean) / sqrt(xvar + eps)
        if (training && stats != null) {
            stats.put(bn, new BatchStats(xmean, xvar, std, xhat));
        }
        return p.apply(bn.gamma).mul(xhat).add(p.apply(bn.beta));              // self.gamma * xhat + self.beta
    }

    /** {@code F.cross_entropy(logits, Yb)}: log_softmax, the targets' entries picked, their mean, negated. */
    NDArray crossEntropy(NDArray logits, NDArray rows, NDArray yb) {
        return logits.logSoftmax(1).get(new NDIndex("{}, {}", rows, yb)).mean().neg();
    }
}
