package ninja.reference;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import ninja.data.Batch;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * The lecture's Exercise 4 training loop in libtorch through DJL: the baseline of {@code ./ninja bench}.
 *
 * <p>{@link Mode#MANUAL} is the loop as the lecture writes it: forward in torch ops, our fused manual backward
 * in torch ops (no autograd, like {@code torch.no_grad()}), then {@code p += -lr * grad}. {@link Mode#AUTOGRAD}
 * is the same forward with {@code F.cross_entropy}-style loss and autograd's backward. Both are written to be
 * fast: every scalar constant is an NDArray created once (also the workaround for DJL's scalar-in-autograd bug),
 * a sub-manager per step frees the step's tensors, libtorch runs with one intra-op thread. The running
 * batchnorm statistics are updated like {@link ninja.train.TrainStep} does, so both do the same work.
 */
public final class TorchTrainer implements AutoCloseable {
    public enum Mode { MANUAL, AUTOGRAD }

    private static final float MOMENTUM = 0.001f;

    private final Mode mode;
    private final int n, block, vocab;
    private final NDManager root;
    private final NDArray C, W1, b1, W2, b2, bngain, bnbias, bnmean, bnstd;
    private final List<NDArray> params;
    private final List<NDArray> lent;
    private final NDArray nNd, invNm1, eps, minusHalf, one, zero, bessel, keep, take;
    private NDArray lrNd;
    private float lr = Float.NaN;

    public TorchTrainer(Parameters p, int batchSize, Mode mode) {
        this.mode = mode;
        this.n = batchSize;
        this.block = p.blockSize();
        this.vocab = p.vocabSize();
        root = engine().newBaseManager();
        C = nd(p.C);
        W1 = nd(p.W1);
        b1 = nd(p.b1);
        W2 = nd(p.W2);
        b2 = nd(p.b2);
        bngain = nd(p.bngain);
        bnbias = nd(p.bnbias);
        bnmean = nd(p.bnmean);
        bnstd = nd(p.bnstd);
        params = List.of(C, W1, b1, W2, b2, bngain, bnbias);
        nNd = root.create((float) n);
        invNm1 = root.create((float) (1.0 / (n - 1)));
        eps = root.create(1e-5f);
        minusHalf = root.create(-0.5f);
        one = root.create(1f);
        zero = root.create(0f);
        bessel = root.create((float) ((double) n / (n - 1)));
        keep = root.create(1f - MOMENTUM);
        take = root.create(MOMENTUM);
        lent = List.of(C, W1, b1, W2, b2, bngain, bnbias, bnmean, bnstd, nNd, invNm1, eps, minusHalf, one, zero,
                bessel, keep, take);
        if (mode == Mode.AUTOGRAD) {
            for (NDArray t : params) {
                t.setRequiresGradient(true);
            }
        }
    }

    /** The PyTorch engine, started offline with one intra-op thread (properties read once, at engine start). */
    public static Engine engine() {
        setDefault("ai.djl.offline", "true");
        setDefault("ai.djl.pytorch.num_threads", "1");
        setDefault("ai.djl.pytorch.num_interop_threads", "1");
        return Engine.getEngine("PyTorch");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private NDArray nd(Tensor t) {
        return root.create(t.data().clone(), new Shape(toLong(t.shape())));
    }

    private static long[] toLong(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            l[i] = s[i];
        }
        return l;
    }

    /** One step; returns the loss before the update. */
    public float step(Batch b, float learningRate) {
        if (learningRate != lr) {
            if (lrNd != null) {
                lrNd.close();
            }
            lr = learningRate;
            lrNd = root.create(learningRate);
        }
        try (NDManager m = root.newSubManager()) {
            long[] xb = new long[b.xb().length];
            for (int i = 0; i < xb.length; i++) {
                xb[i] = b.xb()[i];
            }
            long[] yb = new long[n];
            for (int i = 0; i < n; i++) {
                yb[i] = b.yb()[i];
            }
            // an op's result joins the manager of its first operand: lend every long-lived array to the step's
            // manager, so that what is computed from them is freed with it (they return to root on close)
            for (NDArray t : lent) {
                t.tempAttach(m);
            }
            lrNd.tempAttach(m);
            NDArray xbNd = m.create(xb, new Shape(n, block));
            NDArray ybNd = m.create(yb, new Shape(n));
            return mode == Mode.MANUAL ? manual(m, xbNd, ybNd) : autograd(m, xbNd, ybNd);
        }
    }

    private float manual(NDManager m, NDArray xbNd, NDArray ybNd) {
        // forward, the lecture's Exercise 4
        NDArray emb = C.get(xbNd);                                              // C[Xb]
        NDArray embcat = emb.reshape(n, -1);                                    // emb.view(n, -1)
        NDArray hprebn = embcat.matMul(W1).add(b1);                             // embcat @ W1 + b1
        NDArray bnmeani = hprebn.mean(new int[] {0}, true);                     // hprebn.mean(0, keepdim=True)
        NDArray bndiff = hprebn.sub(bnmeani);
        NDArray bnvar = bndiff.square().sum(new int[] {0}, true).mul(invNm1);   // hprebn.var(0, unbiased=True)
        NDArray bnvarInv = bnvar.add(eps).pow(minusHalf);                       // (bnvar + 1e-5)**-0.5
        NDArray bnraw = bndiff.mul(bnvarInv);
        NDArray hpreact = bngain.mul(bnraw).add(bnbias);
        NDArray h = hpreact.tanh();
        NDArray logits = h.matMul(W2).add(b2);
        NDArray onehot = ybNd.oneHot(vocab, DataType.FLOAT32);
        NDArray loss = logits.logSoftmax(1).mul(onehot).sum().neg().div(nNd);   // F.cross_entropy(logits, Yb)
        // manual backward (Exercises 2 and 3)
        NDArray dlogits = logits.softmax(1).sub(onehot).div(nNd);               // (softmax - onehot) / n
        NDArray dh = dlogits.matMul(W2.transpose());
        NDArray dW2 = h.transpose().matMul(dlogits);
        NDArray db2 = dlogits.sum(new int[] {0});
        NDArray dhpreact = one.sub(h.square()).mul(dh);                        // (1 - h**2) * dh
        NDArray dbngain = bnraw.mul(dhpreact).sum(new int[] {0}, true);
        NDArray dbnbias = dhpreact.sum(new int[] {0}, true);
        NDArray dhprebn = bngain.mul(bnvarInv).div(nNd).mul(                    // bngain*bnvar_inv/n * (n*dhpreact
                dhpreact.mul(nNd).sub(dbnbias).sub(bessel.mul(bnraw).mul(dbngain)));  // - sum - n/(n-1)*bnraw*sum)
        NDArray dembcat = dhprebn.matMul(W1.transpose());
        NDArray dW1 = embcat.transpose().matMul(dhprebn);
        NDArray db1 = dhprebn.sum(new int[] {0});
        // dC[Xb[k,j]] += demb[k,j] as one matmul: onehot(Xb)^T @ demb
        NDArray demb = dembcat.reshape(n * block, -1);
        NDArray dC = xbNd.reshape(-1).oneHot(vocab, DataType.FLOAT32).transpose().matMul(demb);
        NDArray[] grads = {dC, dW1, db1, dW2, db2, dbngain, dbnbias};
        for (int k = 0; k < grads.length; k++) {
            params.get(k).subi(grads[k].mul(lrNd));                             // p += -lr * grad
        }
        running(bnmeani, bnvar);
        return loss.getFloat();
    }

    private float autograd(NDManager m, NDArray xbNd, NDArray ybNd) {
        NDArray loss;
        NDArray bnmeani;
        NDArray bnvar;
        try (GradientCollector gc = engine().newGradientCollector()) {
            NDArray emb = C.get(xbNd);
            NDArray hprebn = emb.reshape(n, -1).matMul(W1).add(b1);
            bnmeani = hprebn.mean(new int[] {0}, true);
            NDArray bndiff = hprebn.sub(bnmeani);
            bnvar = bndiff.square().sum(new int[] {0}, true).mul(invNm1);
            NDArray hpreact = bngain.mul(bndiff.mul(bnvar.add(eps).pow(minusHalf))).add(bnbias);
            NDArray logits = hpreact.tanh().matMul(W2).add(b2);
            loss = logits.logSoftmax(1).mul(ybNd.oneHot(vocab, DataType.FLOAT32)).sum().neg().div(nNd);
            gc.backward(loss);
        }
        // outside the collector grad mode is off, so the leaves can be updated in place (torch.no_grad())
        for (NDArray t : params) {
            NDArray g = t.getGradient();
            g.attach(m);                                                         // free the wrapper with the step
            t.subi(g.mul(lrNd));
            g.muli(zero);                                                        // p.grad.zero_(): they accumulate
        }
        running(bnmeani.stopGradient(), bnvar.stopGradient());
        return loss.getFloat();
    }

    private void running(NDArray bnmeani, NDArray bnvar) {
        bnmean.muli(keep).addi(bnmeani.mul(take));
        bnstd.muli(keep).addi(bnvar.sqrt().mul(take));
    }

    /** The current parameters, copied back into the given lecture-shaped tensors. */
    public void copyInto(Parameters p) {
        List<Tensor> dst = p.trainable();
        for (int k = 0; k < dst.size(); k++) {
            System.arraycopy(params.get(k).toFloatArray(), 0, dst.get(k).data(), 0, dst.get(k).numel());
        }
        System.arraycopy(bnmean.toFloatArray(), 0, p.bnmean.data(), 0, p.bnmean.numel());
        System.arraycopy(bnstd.toFloatArray(), 0, p.bnstd.data(), 0, p.bnstd.numel());
    }

    @Override
    public void close() {
        root.close();
    }
}
