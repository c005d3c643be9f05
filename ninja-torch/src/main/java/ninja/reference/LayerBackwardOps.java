package ninja.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.function.Function;
import ninja.nn.BatchNorm1d;
import ninja.nn.Embedding;
import ninja.nn.FlattenConsecutive;
import ninja.nn.Layer;
import ninja.nn.Linear;
import ninja.nn.Param;
import ninja.nn.Tanh;

/**
 * The hand-written backward of each {@link ninja.nn} layer (the formulas of its Java plan) in libtorch ops, without
 * autograd: the manual loop of {@link TorchSequentialTrainer}, as the lecture's Exercise 4 runs its backward in
 * torch ops. Constants come from {@link LayerOps#scalar}, made once.
 */
final class LayerBackwardOps {
    private final LayerOps ops;

    LayerBackwardOps(LayerOps ops) {
        this.ops = ops;
    }

    /** dlogits = (softmax(logits) - onehot(Yb)) / n: F.cross_entropy's gradient (Exercise 2). */
    NDArray crossEntropy(NDArray logits, NDArray yb) {
        long[] s = logits.getShape().getShape();
        NDArray onehot = yb.oneHot((int) s[1], DataType.FLOAT32);
        return logits.softmax(1).sub(onehot).div(ops.scalar((float) s[0]));
    }

    /**
     * dx of layer l for dout, given its forward's input x and output out (and a batchnorm's statistics); writes the
     * layer's parameter gradients into {@code grads}. Returns null for an Embedding (indices have no gradient).
     */
    NDArray backward(Layer l, NDArray x, NDArray out, NDArray dout, Function<Param, NDArray> p,
            LayerOps.BatchStats stats, Map<Param, NDArray> grads) {
        if (l instanceof Embedding e) {
            // dweight[v] = sum of dout over the positions of index v, as one matmul: onehot(IX)^T @ dout
            long[] w = p.apply(e.weight).getShape().getShape();
            NDArray onehot = x.reshape(-1).oneHot((int) w[0], DataType.FLOAT32);
            grads.put(e.weight, onehot.transpose().matMul(dout.reshape(-1, w[1])));
            return null;
        }
        if (l instanceof FlattenConsecutive) {
            return dout.reshape(x.getShape());                                  // a reshape moves no gradient
        }
        if (l instanceof Linear lin) {
            return linear(lin, x, dout, p, grads);
        }
        if (l instanceof BatchNorm1d bn) {
            return batchNorm(bn, dout, p, stats, grads);
        }
        if (l instanceof Tanh) {
            return ops.scalar(1f).sub(out.square()).mul(dout);                  // dx = (1 - out^2) * dout
        }
        throw new IllegalArgumentException("no manual libtorch backward for layer " + l.describe());
    }

    /** dweight = x^T @ dout and dbias = sum_rows(dout) over all B*T rows; dx = dout @ weight^T. */
    private static NDArray linear(Linear lin, NDArray x, NDArray dout, Function<Param, NDArray> p,
            Map<Param, NDArray> grads) {
        NDArray x2 = x.reshape(-1, lin.fanIn());
        NDArray d2 = dout.reshape(-1, lin.fanOut());
        grads.put(lin.weight, x2.transpose().matMul(d2));
        if (lin.bias != null) {
            grads.put(lin.bias, d2.sum(new int[] {0}));
        }
        return dout.matMul(p.apply(lin.weight).transpose());
    }

    /**
     * dbeta = sum_n(dout), dgamma = sum_n(dout * xhat),
     * dx = gamma / std / n * (n * dout - dbeta - n/(n-1) * xhat * dgamma), sums over the n = B (or B*T) rows.
     */
    private NDArray batchNorm(BatchNorm1d bn, NDArray dout, Function<Param, NDArray> p, LayerOps.BatchStats st,
            Map<Param, NDArray> grads) {
        long[] s = dout.getShape().getShape();
        int[] dims = s.length == 2 ? new int[] {0} : new int[] {0, 1};
        long n = s.length == 2 ? s[0] : s[0] * s[1];
        NDArray nNd = ops.scalar((float) n);
        NDArray bessel = ops.scalar((float) ((double) n / (n - 1)));
        NDArray dbeta = dout.sum(dims, true);
        NDArray dgamma = dout.mul(st.xhat()).sum(dims, true);
        Shape c = new Shape(bn.dim());
        grads.put(bn.gamma, dgamma.reshape(c));
        grads.put(bn.beta, dbeta.reshape(c));
        return p.apply(bn.gamma).div(st.std()).div(nNd)
                .mul(dout.mul(nNd).sub(dbeta).sub(bessel.mul(st.xhat()).mul(dgamma)));
    }
}
