package ninja.nn;

import java.util.List;
import java.util.function.IntConsumer;
import ninja.tensor.CrossEntropyKernels;
import ninja.tensor.Kernels;
import ninja.tensor.Parallel;
import ninja.tensor.Simd;
import ninja.tensor.Tensor;

/**
 * The notebook MLP's training step on two threads, its hidden units cut in two: each thread owns the units of one
 * part, in arrays of its own (W1's columns, b1, the batchnorm's gain, bias and statistics, W2's rows, and every
 * activation and gradient over those units), so the cores do not write into each other's cache lines (but for a line
 * or two where the shared logits, dlogits and dembcat are cut by rows); the two products
 * that add over all units (the logits and dembcat) are cut by rows instead, their dot products running on from one
 * part's arrays into the other's ({@link Simd#gemmBT2}). Bit-identical to {@link SequentialStep} on one thread: every
 * value gets the operations, in the order, of the one-thread step (checked by {@code ThreadsTest}).
 *
 * <pre>
 * units  (each thread its part u): W1_u -= lr_prev dW1_u (the last step's update, kept back: dembcat needed W1)
 *                                  emb = C[Xb]; hprebn_u = embcat @ W1_u + b1_u; batchnorm; h_u = tanh(hpreact_u)
 * rows   (each thread half the rows): logits = [h_0 | h_1] @ [W2T_0 | W2T_1]^T + b2; the rows' loss terms, dlogits
 * units: dW2T_u = dlogits^T @ h_u; dh_u = dlogits @ W2T_u; tanh, batchnorm and Linear(W1_u) backward; updates
 * rows:  dembcat = [dhprebn_0 | dhprebn_1] @ [W1_0 | W1_1]^T
 * then:  dC (scatter-add), C -= lr dC; loss = sum of the rows' terms / n, in row order
 * </pre>
 * The cut falls at a multiple of 8 units (the vector width), so each unit keeps its lane and its kernels' path.
 * The parameters live in the parts between steps: {@link #sync} writes them back, {@link #reload} re-reads them.
 */
public final class UnitSplitStep {
    private static final Simd SIMD = Simd.INSTANCE;

    private final Embedding embedding;
    private final Param b2;             // [V], or null
    private final Param w1, b1, gain, bias, mean, std, w2;   // the model's own: W1 [fan_in, H] ... W2 [H, V]
    private final int n, fanIn, vocab, rowCut;
    private final Part[] parts = new Part[2];
    private final Tensor logits;        // [n, V]
    private final float[] dlogits;      // [n, V]
    private final float[] terms;        // [n] each row's term of the loss sum
    private final Tensor dembcat;       // [n, fan_in]
    private final IntConsumer unitsForward = this::unitsForward, rowsLogits = this::rowsLogits;
    private final IntConsumer unitsBackward = this::unitsBackward, rowsDembcat = this::rowsDembcat;
    private Tensor xb;                  // this step's inputs, read by the parts
    private int[] yb;
    private float lr, pendingLr;
    private boolean pending;            // W1's update from the last step not yet applied

    /** One thread's units [u0, u0 + h): its slices of the parameters and its activations. */
    private final class Part {
        final int u0, h;
        final Param w1, b1, gain, bias, mean, std;   // [fan_in, h], [h], [1, h] x 4
        final float[] w2t, dw2t;                    // [V, h]: W2's rows u0.. transposed, as the one-thread plan keeps W2
        final Tensor dh;                            // [n, h]
        Tensor dhprebn;                             // [n, h] the batchnorm plan's dx, from the last backward
        final Layer.Plan emb, lin, bn, tanh;

        Part(int u0, int h, int[] in) {
            this.u0 = u0;
            this.h = h;
            w1 = new Param("weight", Tensor.zeros(fanIn, h));
            b1 = UnitSplitStep.this.b1 == null ? null : new Param("bias", Tensor.zeros(h));
            gain = new Param("bngain", Tensor.zeros(1, h));
            bias = new Param("bnbias", Tensor.zeros(1, h));
            mean = new Param("bnmean", Tensor.zeros(1, h));
            std = new Param("bnstd", Tensor.zeros(1, h));
            w2t = new float[vocab * h];
            dw2t = new float[vocab * h];
            dh = Tensor.zeros(n, h);
            emb = embedding.plan(in);
            lin = new Linear(w1, b1).plan(new int[] {n, fanIn});
            bn = new NotebookBatchNorm(gain, bias, mean, std).plan(new int[] {n, h});
            tanh = new Tanh().plan(new int[] {n, h});
        }

        float[] hOut() {
            return tanh.out().data();
        }
    }

    /**
     * Whether the model is the notebook MLP's shape this step knows, {@code Embedding, FlattenConsecutive,
     * Linear, NotebookBatchNorm, Tanh, Linear} (the last with transposed plans, the first a plain one) over {@code
     * [batch, block]} contexts, wide and tall enough to cut (16 units and 8 rows or more).
     */
    public static boolean fits(Sequential model, int batchSize, int blockSize) {
        List<Layer> ls = model.layers();
        if (ls.size() != 6 || !(ls.get(0) instanceof Embedding) || !(ls.get(1) instanceof FlattenConsecutive)
                || !(ls.get(2) instanceof Linear l1) || !(ls.get(3) instanceof NotebookBatchNorm)
                || !(ls.get(4) instanceof Tanh) || !(ls.get(5) instanceof Linear l2)) {
            return false;
        }
        int[] flat = ls.get(1).outShape(ls.get(0).outShape(new int[] {batchSize, blockSize}));
        return flat.length == 2 && !l1.hasTransposedPlans() && l2.hasTransposedPlans() && cuts(l1.fanOut(), batchSize);
    }

    /** Whether a hidden layer this wide and a batch this tall are worth cutting: 16 units and 8 rows or more. */
    public static boolean cuts(int hidden, int batchSize) {
        return hidden >= 16 && batchSize >= 8;
    }

    /** Over the model's own parameters; call {@link #reload} before the first step. */
    public UnitSplitStep(Sequential model, int batchSize, int blockSize) {
        if (!fits(model, batchSize, blockSize)) {
            throw new IllegalArgumentException("UnitSplitStep: not the notebook MLP's layers: " + model.describe());
        }
        List<Layer> ls = model.layers();
        embedding = (Embedding) ls.get(0);
        Linear l1 = (Linear) ls.get(2), l2 = (Linear) ls.get(5);
        NotebookBatchNorm norm = (NotebookBatchNorm) ls.get(3);
        w1 = l1.weight;
        b1 = l1.bias;
        gain = norm.bngain;
        bias = norm.bnbias;
        mean = norm.bnmean;
        std = norm.bnstd;
        w2 = l2.weight;
        b2 = l2.bias;
        n = batchSize;
        fanIn = l1.fanIn();
        vocab = l2.fanOut();
        int hidden = l1.fanOut(), cut = hidden / 16 * 8;     // a multiple of 8, about half
        rowCut = n / 2 & ~3;                                  // the matmul kernels' blocks are four rows tall
        int[] in = {batchSize, blockSize};
        parts[0] = new Part(0, cut, in);
        parts[1] = new Part(cut, hidden - cut, in);
        logits = Tensor.zeros(n, vocab);
        dlogits = new float[n * vocab];
        terms = new float[n];
        dembcat = Tensor.zeros(n, fanIn);
    }

    /**
     * One step on contexts {@code x} ([n, block] as floats) and targets {@code y}: forward, backward, SGD with lr,
     * running statistics; returns the loss before the update. The parts run on p's two threads (a part whose thread
     * is late runs on this one: the same bits either way).
     */
    public float step(Parallel p, Tensor x, int[] y, float lr) {
        this.xb = x;
        this.yb = y;
        this.lr = lr;
        p.forEachPart(unitsForward);
        pending = false;
        p.forEachPart(rowsLogits);
        p.forEachPart(unitsBackward);
        p.forEachPart(rowsDembcat);
        pending = true;
        pendingLr = lr;
        Layer.Plan emb = parts[0].emb;          // its indices are this step's (both parts looked them up)
        emb.backward(dembcat);
        emb.update(lr);
        return CrossEntropyKernels.mean(terms, n);
    }

    private void unitsForward(int u) {
        Part q = parts[u];
        if (pending) {
            q.w1.sgd(pendingLr);
        }
        Tensor e = q.emb.forward(xb, true);         // [n, block, E]: as FlattenConsecutive, the same floats
        q.tanh.forward(q.bn.forward(q.lin.forward(e, true), true), true);
    }

    private void rowsLogits(int r) {
        int from = r == 0 ? 0 : rowCut, to = r == 0 ? rowCut : n;
        Part p0 = parts[0], p1 = parts[1];
        float[] out = logits.data();
        SIMD.gemmBT2(p0.hOut(), p1.hOut(), p0.w2t, p1.w2t, b2 == null ? null : b2.value.data(), out, from, to, p0.h,
                p1.h, vocab);
        for (int i = from; i < to; i++) {
            terms[i] = CrossEntropyKernels.rowTerm(out, yb, dlogits, i, n, vocab);
        }
    }

    private void unitsBackward(int u) {
        Part q = parts[u];
        // the last Linear as its transposed plan computes it: dW2T = dlogits^T @ h, dh = dlogits @ W2T, then W2T's update
        Kernels.matmulAT(dlogits, q.hOut(), q.dw2t, n, vocab, q.h);
        Kernels.matmul(dlogits, q.w2t, null, q.dh.data(), n, vocab, q.h);
        SIMD.axpy(-lr, q.dw2t, 0, q.w2t, 0, q.w2t.length);
        if (u == 0 && b2 != null) {
            Kernels.sumRows(dlogits, b2.grad.data(), n, vocab);
            b2.sgd(lr);
        }
        q.dhprebn = q.bn.backward(q.tanh.backward(q.dh));
        q.lin.backwardParams(q.dhprebn);
        if (q.b1 != null) {
            q.b1.sgd(lr);
        }
        q.bn.update(lr);
        q.bn.commit();
        // the running statistics where the training loop checks them every step
        System.arraycopy(q.mean.value.data(), 0, mean.value.data(), q.u0, q.h);
        System.arraycopy(q.std.value.data(), 0, std.value.data(), q.u0, q.h);
    }

    private void rowsDembcat(int r) {
        int from = r == 0 ? 0 : rowCut, to = r == 0 ? rowCut : n;
        Part p0 = parts[0], p1 = parts[1];
        SIMD.gemmBT2(p0.dhprebn.data(), p1.dhprebn.data(), p0.w1.value.data(), p1.w1.value.data(), null,
                dembcat.data(), from, to, p0.h, p1.h, fanIn);
    }

    /** Writes the parts' parameters (values and gradients) and W1's kept-back update into the model's tensors. */
    public void sync() {
        for (Part q : parts) {
            if (pending) {
                q.w1.sgd(pendingLr);
            }
            for (int t = 0; t < fanIn; t++) {
                System.arraycopy(q.w1.value.data(), t * q.h, w1.value.data(), t * w1.value.dim(1) + q.u0, q.h);
                System.arraycopy(q.w1.grad.data(), t * q.h, w1.grad.data(), t * w1.value.dim(1) + q.u0, q.h);
            }
            copy(q.b1, b1, q.u0, true);
            copy(q.gain, gain, q.u0, true);
            copy(q.bias, bias, q.u0, true);   // bnmean and bnstd: already there, copied after every step
            float[] v = w2.value.data(), g = w2.grad.data();
            for (int j = 0; j < vocab; j++) {
                for (int c = 0; c < q.h; c++) {
                    v[(q.u0 + c) * vocab + j] = q.w2t[j * q.h + c];
                    g[(q.u0 + c) * vocab + j] = q.dw2t[j * q.h + c];
                }
            }
        }
        pending = false;
    }

    /** Re-reads the model's parameters into the parts (before the first step, or after they were changed). */
    public void reload() {
        for (Part q : parts) {
            for (int t = 0; t < fanIn; t++) {
                System.arraycopy(w1.value.data(), t * w1.value.dim(1) + q.u0, q.w1.value.data(), t * q.h, q.h);
            }
            copy(q.b1, b1, q.u0, false);
            copy(q.gain, gain, q.u0, false);
            copy(q.bias, bias, q.u0, false);
            copy(q.mean, mean, q.u0, false);
            copy(q.std, std, q.u0, false);
            float[] v = w2.value.data();
            for (int j = 0; j < vocab; j++) {
                for (int c = 0; c < q.h; c++) {
                    q.w2t[j * q.h + c] = v[(q.u0 + c) * vocab + j];
                }
            }
        }
        pending = false;
    }

    /** A part's slice of a per-unit parameter to the model's tensor (back) or from it; a null model bias is none. */
    private static void copy(Param slice, Param whole, int u0, boolean back) {
        if (slice == null) {
            return;
        }
        int h = slice.numel();
        if (back) {
            System.arraycopy(slice.value.data(), 0, whole.value.data(), u0, h);
            System.arraycopy(slice.grad.data(), 0, whole.grad.data(), u0, h);
        } else {
            System.arraycopy(whole.value.data(), u0, slice.value.data(), 0, h);
        }
    }
}
