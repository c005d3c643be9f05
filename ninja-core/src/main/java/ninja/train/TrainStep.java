package ninja.train;

import ninja.model.Batch;
import ninja.model.BatchNorm;
import ninja.model.CrossEntropy;
import ninja.model.Embedding;
import ninja.model.Parameters;
import ninja.tensor.Kernels;
import ninja.tensor.Simd;
import ninja.tensor.Tensor;

/**
 * One training step, fast: the forward pass, the fused manual backward (Exercises 2 and 3, as in the lecture's
 * Exercise 4), the SGD update {@code p += -lr * grad}, and the running batchnorm statistics
 * {@code running = 0.999 running + 0.001 batch}.
 *
 * <p>Same math as {@link ninja.model.Mlp} with {@code Mode.FUSED} (the readable version, which the tests compare
 * it with), but on preallocated row-major arrays: no allocation per step. Every loop runs over the hidden
 * dimension, so W2 is kept here transposed, {@code W2T[V, H]}: {@code logits = h @ W2T^T} is then a dot product of
 * rows and {@code dh = dlogits @ W2T}, {@code dW2T = dlogits^T @ h} are row updates.
 *
 * <p><b>Parameters: call {@link #parameters()} (or {@link #syncParameters()}) before reading them.</b> The step
 * updates C, W1, b1, b2, bngain, bnbias, bnmean and bnstd of the given {@link Parameters} in place, but W2 only in
 * its own transposed copy: writing it back is a 27 x H transpose, 5-7% of a step at the notebook's sizes, so it
 * happens only when asked (evaluation, checkpoint, end of training), and only if W2 changed since. If
 * {@code p.W2} is changed from outside (a checkpoint loaded into the same object), call {@link #reload()}.
 */
public final class TrainStep {
    /** Momentum of the running batchnorm statistics, as in the lecture: running = 0.999 running + 0.001 batch. */
    public static final float RUNNING_MOMENTUM = 0.001f;
    private static final Simd SIMD = Simd.INSTANCE;

    private final Parameters p;
    private final int n, e, block, fanIn, hid, vocab;
    private final float[] W2T;
    // activations
    private final float[] embcat, hprebn, bnmeani, bnvar, bnvarInv, bnraw, h, logits;
    // gradients (dh becomes dhpreact in place)
    private final float[] dlogits, dh, dhprebn, dembcat, bnScale;
    private final float[] dC, dW1, db1, dW2T, db2, dbngain, dbnbias;
    private float lastLoss = Float.NaN;
    /** W2T has been updated since it was last written back into p.W2. */
    private boolean w2Dirty;

    public TrainStep(Parameters p, int batchSize) {
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be at least 2 (batchnorm's variance divides by n-1), got "
                    + batchSize);
        }
        this.p = p;
        this.n = batchSize;
        this.e = p.nEmbd();
        this.block = p.blockSize();
        this.fanIn = p.W1.dim(0);
        this.hid = p.nHidden();
        this.vocab = p.vocabSize();
        W2T = new float[vocab * hid];
        embcat = new float[n * fanIn];
        hprebn = new float[n * hid];
        bnmeani = new float[hid];
        bnvar = new float[hid];
        bnvarInv = new float[hid];
        bnraw = new float[n * hid];
        h = new float[n * hid];
        logits = new float[n * vocab];
        dlogits = new float[n * vocab];
        dh = new float[n * hid];
        dhprebn = new float[n * hid];
        dembcat = new float[n * fanIn];
        bnScale = new float[hid];
        dC = new float[p.C.numel()];
        dW1 = new float[p.W1.numel()];
        db1 = new float[hid];
        dW2T = new float[vocab * hid];
        db2 = new float[vocab];
        dbngain = new float[hid];
        dbnbias = new float[hid];
        reload();
    }

    /** Runs one step on the batch with learning rate lr; returns the batch loss before the update. */
    public float step(Batch b, float lr) {
        forwardBackward(b);
        update(lr);
        updateRunning();
        w2Dirty = true;
        return lastLoss;
    }

    /**
     * Forward and backward only, no update: the loss and the gradients of the seven trainable tensors in
     * {@link Parameters#NAMES} order and the lecture's shapes (dW2 as [H, V]). Allocates the returned tensors;
     * for tests and checks.
     */
    public Tensor[] gradients(Batch b) {
        forwardBackward(b);
        return new Tensor[] {Tensor.of(dC.clone(), p.C.shape()), Tensor.of(dW1.clone(), p.W1.shape()),
                Tensor.of(db1.clone(), p.b1.shape()), Tensor.of(transpose(dW2T, vocab, hid), hid, vocab),
                Tensor.of(db2.clone(), p.b2.shape()), Tensor.of(dbngain.clone(), p.bngain.shape()),
                Tensor.of(dbnbias.clone(), p.bnbias.shape())};
    }

    /** The loss of the last forward pass. */
    public float lastLoss() {
        return lastLoss;
    }

    /** The parameters, current: W2 written back if it changed. Call before reading or saving them. */
    public Parameters parameters() {
        syncParameters();
        return p;
    }

    /** Writes the internal W2T back into {@code p.W2} ([H, V], the lecture's layout) if it changed. */
    public void syncParameters() {
        if (!w2Dirty) {
            return;
        }
        float[] w2 = p.W2.data();
        for (int j = 0; j < hid; j++) {
            int o = j * vocab;
            for (int v = 0; v < vocab; v++) {
                w2[o + v] = W2T[v * hid + j];
            }
        }
        w2Dirty = false;
    }

    /** Re-reads {@code p.W2} into the internal transposed copy (after p was changed from outside). */
    public void reload() {
        w2Dirty = false;
        float[] w2 = p.W2.data();
        for (int j = 0; j < hid; j++) {
            for (int v = 0; v < vocab; v++) {
                W2T[v * hid + j] = w2[j * vocab + v];
            }
        }
    }

    private void forwardBackward(Batch b) {
        if (b.n() != n || b.blockSize() != block) {
            throw new IllegalArgumentException("batch of " + b.n() + " x " + b.blockSize() + " for a step built for "
                    + n + " x " + block);
        }
        forward(b);
        backward(b);
    }

    private void forward(Batch b) {
        Embedding.lookup(p.C.data(), e, b.xb(), embcat);                     // embcat = C[Xb].view(n, -1)
        Kernels.matmul(embcat, p.W1.data(), p.b1.data(), hprebn, n, fanIn, hid); // hprebn = embcat @ W1 + b1
        SIMD.colSums(hprebn, null, 1.0f / n, n, hid, bnmeani);               // bnmeani = 1/n * hprebn.sum(0)
        SIMD.colSums(hprebn, bnmeani, (float) (1.0 / (n - 1)), n, hid, bnvar); // bnvar = 1/(n-1) * (bndiff**2).sum(0)
        for (int j = 0; j < hid; j++) {
            bnvarInv[j] = BatchNorm.rsqrt(bnvar[j] + BatchNorm.EPS);          // bnvar_inv = (bnvar + 1e-5)**-0.5
        }
        for (int i = 0; i < n; i++) {                                         // bnraw, hpreact, h = tanh(hpreact)
            SIMD.normTanh(hprebn, bnmeani, bnvarInv, p.bngain.data(), p.bnbias.data(), bnraw, h, i * hid, hid);
        }
        Kernels.matmulBT(h, W2T, p.b2.data(), logits, n, hid, vocab);        // logits = h @ W2 + b2
        lastLoss = CrossEntropy.fusedForwardBackward(logits, b.yb(), dlogits, n, vocab); // loss, dlogits
    }

    private void backward(Batch b) {
        // logits = h @ W2 + b2:  dW2 = h^T @ dlogits (kept transposed: dW2T = dlogits^T @ h), db2 = sum_0(dlogits),
        // dh = dlogits @ W2^T = dlogits @ W2T
        Kernels.matmulAT(dlogits, h, dW2T, n, vocab, hid);
        Kernels.sumRows(dlogits, db2, n, vocab);
        Kernels.matmul(dlogits, W2T, null, dh, n, vocab, hid);
        SIMD.tanhBackward(h, dh, 0, n * hid);                                 // dhpreact = (1 - h^2) * dh
        BatchNorm.fusedBackward(dh, bnraw, p.bngain.data(), bnvarInv, dhprebn, dbngain, dbnbias, n, hid, bnScale);
        // hprebn = embcat @ W1 + b1
        Kernels.matmulBT(dhprebn, p.W1.data(), null, dembcat, n, hid, fanIn); // dembcat = dhprebn @ W1^T
        Kernels.matmulAT(embcat, dhprebn, dW1, n, fanIn, hid);                // dW1 = embcat^T @ dhprebn
        Kernels.sumRows(dhprebn, db1, n, hid);                                // db1 = sum_0(dhprebn)
        java.util.Arrays.fill(dC, 0f);
        Embedding.scatterAdd(dembcat, e, b.xb(), dC);                         // dC[Xb[k,j]] += demb[k,j]
    }

    private void update(float lr) {
        float a = -lr;
        SIMD.axpy(a, dC, 0, p.C.data(), 0, dC.length);
        SIMD.axpy(a, dW1, 0, p.W1.data(), 0, dW1.length);
        SIMD.axpy(a, db1, 0, p.b1.data(), 0, hid);
        SIMD.axpy(a, dW2T, 0, W2T, 0, dW2T.length);
        SIMD.axpy(a, db2, 0, p.b2.data(), 0, vocab);
        SIMD.axpy(a, dbngain, 0, p.bngain.data(), 0, hid);
        SIMD.axpy(a, dbnbias, 0, p.bnbias.data(), 0, hid);
    }

    private void updateRunning() {
        float[] mean = p.bnmean.data();
        float[] std = p.bnstd.data();
        for (int j = 0; j < hid; j++) {
            float bnstdi = (float) Math.sqrt(bnvar[j]);
            mean[j] = (1 - RUNNING_MOMENTUM) * mean[j] + RUNNING_MOMENTUM * bnmeani[j];
            std[j] = (1 - RUNNING_MOMENTUM) * std[j] + RUNNING_MOMENTUM * bnstdi;
        }
    }

    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }
}
