package ninja.train;

import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.Schedule;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.nn.StepBackward;
import ninja.rng.TorchGenerator;
import ninja.tensor.Parallel;

/**
 * The loop both lectures train with, over a model given as layers:
 * <pre>
 * for i in range(max_steps):
 *     ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)   # the notebook's batches, from its generator
 *     loss = forward; backward (hand-written); p += -lr * grad          (SequentialStep)
 *     lr = schedule(i)
 * </pre>
 * plus what a long run needs: divergence caught at the step it happens, a val loss every evalEvery steps, delayed
 * checkpoints (never one from a diverging run) and a stop request honoured after any step. A subclass brings its
 * model, its val loss and its checkpoint type C.
 */
abstract class SgdTraining<C> implements Training<C> {
    final Splits splits;
    final TorchGenerator g;
    final Schedule schedule;
    private final int batchSize;
    private final int blockSize;
    int step;
    StepBackward backward;              // null: the layers' own backward (Exercise 5 sets the learner's)

    SgdTraining(Splits splits, TorchGenerator g, Schedule schedule, int batchSize, int blockSize, int step) {
        if (splits.train().blockSize() != blockSize) {
            throw new IllegalArgumentException("data built for block size " + splits.train().blockSize()
                    + ", model for " + blockSize);
        }
        this.splits = splits;
        this.g = g;
        this.schedule = schedule;
        this.batchSize = batchSize;
        this.blockSize = blockSize;
        this.step = step;
    }

    /** The model the steps train, as layers over its live tensors. */
    abstract Sequential layers();

    /** The val loss of the model now (its parameters synced), batchnorm in eval mode. */
    abstract double valLoss();

    /**
     * The same number from a copy of the model as it is now (its parameters synced), on the thread that asks for it,
     * one thread: for {@link DeferredEval}, which asks while training goes on.
     */
    abstract DoubleSupplier valLossOfCopy();

    /** Whether val losses are computed beside the steps: when the steps run on one thread (null: so decide). */
    Boolean deferEval;

    /** A checkpoint that training no longer changes (kept while the next steps show whether the run diverges). */
    abstract C snapshot();

    @Override
    public final int step() {
        return step;
    }

    @Override
    public final Schedule schedule() {
        return schedule;
    }

    /**
     * Trains until {@code totalSteps} steps are done or {@code stop} says so (checked after each step). Returns true
     * when all steps ran. Throws {@link NonFiniteLossException} at the first NaN/inf loss or running statistic, or
     * when the loss climbs far above where the run began ({@link Divergence}).
     */
    @Override
    public final boolean run(int totalSteps, int evalEvery, int checkpointEvery, StepListener<? super C> l,
            BooleanSupplier stop) {
        Sequential model = layers();
        SequentialStep ts = new SequentialStep(model, batchSize, blockSize, backward);
        Batch b = new Batch(new int[batchSize * blockSize], new int[batchSize], blockSize);
        int[] ix = new int[batchSize];
        Divergence divergence = new Divergence(splits.vocab().size());
        Param[] running = model.buffers().toArray(new Param[0]);     // once: the loop allocates nothing
        C pending = null;
        int pendingStep = 0;
        // a one-thread step leaves the other core idle: the val loss is computed there while the steps go on
        boolean defer = deferEval != null ? deferEval : !Parallel.splitsThisThread();
        DeferredEval later = new DeferredEval(l, evalEvery);
        try {
            while (step < totalSteps) {
                b.drawInto(splits.train(), g, ix);
                float lr = schedule.at(step);
                float loss = ts.step(b, lr);
                divergence.check(step, loss, lr);
                // The fused cross-entropy stays finite on huge logits (as torch's does), but a diverged batch's
                // variance overflows first: the running statistics are a few hundred floats, cheap to watch every step.
                for (Param q : running) {
                    if (!allFinite(q.value.data())) {
                        throw new NonFiniteLossException(step, "the batch statistics overflowed at step " + step
                                + " (loss " + loss + ", lr " + lr + "): training diverged; try a smaller --lr");
                    }
                }
                later.step(step, lr, loss);
                step++;
                // a plan may keep a weight transposed for speed: write it back before anything reads the model
                if (evalEvery > 0 && step % evalEvery == 0) {
                    ts.syncParameters();
                    if (defer) {
                        later.start(step, valLossOfCopy());
                    } else {
                        l.onEval(step, (float) valLoss());
                    }
                }
                if (pending != null && step - pendingStep >= Divergence.WINDOW) {
                    later.await();
                    l.onCheckpoint(pendingStep, pending);
                    pending = null;
                }
                if (checkpointEvery > 0 && step % checkpointEvery == 0 && step < totalSteps && pending == null) {
                    ts.syncParameters();
                    pending = snapshot();
                    pendingStep = step;
                }
                if (stop.getAsBoolean()) {
                    ts.syncParameters();
                    later.await();
                    return step >= totalSteps;
                }
            }
            ts.syncParameters();
            later.await();
            return true;
        } catch (NonFiniteLossException e) {
            // the listener still hears of every step before the divergence, as it would have without the deferral
            try {
                later.await();
            } catch (RuntimeException | Error also) {
                e.addSuppressed(also);
            }
            throw e;
        }
    }

    /** A checkpoint must never hold a diverged model, even if the last loss seen was finite. */
    final void checkFinite() {
        Sequential model = layers();
        for (Param q : model.params()) {
            checkFinite(q);
        }
        for (Param q : model.buffers()) {
            checkFinite(q);
        }
    }

    private void checkFinite(Param q) {
        for (float x : q.value.data()) {
            if (!Float.isFinite(x)) {
                throw new NonFiniteLossException(step, "parameter " + q.name() + " is " + x + " after step "
                        + (step - 1) + ": training diverged; try a smaller --lr");
            }
        }
    }

    private static boolean allFinite(float[] xs) {
        for (float x : xs) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
