package ninja.nn;

import ninja.data.Batch;
import ninja.tensor.Parallel;
import ninja.tensor.Tensor;

/**
 * One training step of a layer model on character contexts, as the part 5 notebook's loop runs it, with the
 * hand-written backward of every layer instead of {@code loss.backward()}:
 * <pre>
 * logits = model(Xb); loss = F.cross_entropy(logits, Yb)
 * backward through the layers, last to first
 * for p in parameters: p.data += -lr * p.grad
 * </pre>
 * Every activation and gradient lives in the plan built here for one batch size: a step allocates nothing.
 */
public final class SequentialStep {
    private final Sequential model;
    private final Sequential.SequentialPlan plan;
    private final CrossEntropyLoss loss;
    private final Tensor xb;            // [B, block] the contexts as floats (the Embedding's indices)
    private final StepBackward backward; // null: the layers' own backward
    private final boolean unitSplit;    // the model is the notebook MLP's shape that UnitSplitStep cuts
    private UnitSplitStep split;        // made at the first step on two threads
    private boolean splitHolds;         // the parameters live in split's parts now (else in the plans' layouts)
    private final BatchSplitStep batchSplit;   // two threads on other models (the WaveNet), or null: its layers can't

    public SequentialStep(Sequential model, int batchSize, int blockSize) {
        this(model, batchSize, blockSize, null);
    }

    /** With the gradients from {@code backward} instead of the layers' own backward (null: the layers'). */
    public SequentialStep(Sequential model, int batchSize, int blockSize, StepBackward backward) {
        this.model = model;
        this.backward = backward;
        this.xb = Tensor.zeros(batchSize, blockSize);
        this.plan = model.plan(xb.shape());
        int[] out = model.outShape(xb.shape());
        if (out.length != 2 || out[0] != batchSize) {
            throw new IllegalArgumentException("the model maps " + xb.shapeString() + " to " + Tensor.shapeString(out)
                    + ", not to [batch, vocab] logits");
        }
        this.loss = new CrossEntropyLoss(batchSize, out[1]);
        this.unitSplit = backward == null && UnitSplitStep.fits(model, batchSize, blockSize);
        this.batchSplit = backward == null && !unitSplit ? BatchSplitStep.of(plan, xb) : null;
    }

    /** Forward, backward, SGD update, running statistics; returns the batch loss before the update. */
    public float step(Batch b, float lr) {
        Parallel p = unitSplit || batchSplit != null ? Parallel.current() : null;
        if (p != null && p.threads() == 2) {
            if (p.splitNext()) {
                if (batchSplit != null) {
                    return batchSplit.step(p, contexts(b), b.yb(), lr);   // each thread half the samples
                }
                // two threads on the notebook MLP: each owns half the hidden units (UnitSplitStep), the same bits
                if (!splitHolds) {
                    plan.sync();
                    if (split == null) {
                        split = new UnitSplitStep(model, xb.dim(0), xb.dim(1));
                    }
                    split.reload();
                    splitHolds = true;
                }
                return split.step(p, contexts(b), b.yb(), lr);
            }
            // the adaptive timing says one thread pays now (a busy second core): the plain plans, matmuls unsplit
            leaveSplit();
            aloneBatch = b;
            aloneLr = lr;
            p.alone(aloneStep);
            return aloneLoss;
        }
        leaveSplit();
        return plainStep(b, lr);
    }

    private Batch aloneBatch;           // the step p.alone runs, and what it returns
    private float aloneLr, aloneLoss;
    private final Runnable aloneStep = () -> aloneLoss = plainStep(aloneBatch, aloneLr);

    /** The step through the layers' plans. */
    private float plainStep(Batch b, float lr) {
        float l = run(b);
        plan.update(lr);
        plan.commit();
        return l;
    }

    /**
     * Forward and backward only: the loss, and every parameter's {@code grad} set (and readable: layouts a plan
     * keeps of its own are written back). Running statistics stay.
     */
    public float forwardBackward(Batch b) {
        leaveSplit();
        float l = run(b);
        plan.sync();
        return l;
    }

    /** Writes what the plans keep in their own layout back into the parameters; call before reading them. */
    public void syncParameters() {
        if (splitHolds) {
            split.sync();
        } else {
            plan.sync();
        }
    }

    /** Re-reads the parameters after they were changed from outside (a checkpoint loaded into them). */
    public void reload() {
        plan.reload();
        if (splitHolds) {
            split.reload();
        }
    }

    /** Back from the split's parts to the plans: the parameters written back, the plans' layouts re-read. */
    private void leaveSplit() {
        if (splitHolds) {
            split.sync();
            plan.reload();
            splitHolds = false;
        }
    }

    private float run(Batch b) {
        Tensor logits = plan.forward(contexts(b), true);
        if (backward != null) {
            float l = loss.forward(logits, b.yb());
            backward.backward(plan, xb, b.yb());
            return l;
        }
        float l = loss.forwardBackward(logits, b.yb());
        plan.backward(loss.dlogits());
        return l;
    }

    /** The batch's contexts in xb, as floats (the Embedding's indices). */
    private Tensor contexts(Batch b) {
        float[] x = xb.data();
        if (b.xb().length != x.length) {
            throw new IllegalArgumentException("batch of " + b.n() + " x " + b.blockSize() + " for a step built for "
                    + xb.shapeString());
        }
        b.contextsInto(x);
        return xb;
    }

    /** The plan, to read each layer's activations after a step (on one thread). */
    public Sequential.SequentialPlan plan() {
        return plan;
    }

    public Sequential model() {
        return model;
    }
}
