package ninja.train;

import java.util.function.DoubleSupplier;

/**
 * A val loss computed on a thread of its own while the next training steps run (a one-thread step leaves the other
 * core idle), with the listener told exactly what, and in which order, it would be told had the loss been computed in
 * place: the {@code onStep} calls after the evaluation wait in a buffer and follow its {@code onEval}. The loss is of
 * a copy of the model taken at its step, so it is the same number too.
 *
 * <p>Used by the training thread only; at most one evaluation at a time. Nothing is allocated per step.
 */
final class DeferredEval {
    private final StepListener<?> listener;
    private final int[] steps;                 // the steps reported since the evaluation began, not yet passed on
    private final float[] lrs, losses;
    private int buffered;
    private int evalStep = -1;                 // the pending evaluation's step (its steps done), -1: none
    private Background<Double> result;         // the pending evaluation's loss

    /** Steps buffered at most (an evaluation takes a few hundred steps' time; beyond this the training thread waits). */
    static final int MAX_BUFFER = 4096;

    /** Buffers at most {@code capacity} steps (and {@link #MAX_BUFFER}) behind an evaluation, then waits for it. */
    DeferredEval(StepListener<?> listener, int capacity) {
        this.listener = listener;
        int n = Math.max(1, Math.min(capacity, MAX_BUFFER));
        this.steps = new int[n];
        this.lrs = new float[n];
        this.losses = new float[n];
    }

    /** Starts {@code valLoss} as the val loss after {@code stepsDone} steps (an earlier one is passed on first). */
    void start(int stepsDone, DoubleSupplier valLoss) {
        await();
        evalStep = stepsDone;
        result = Background.start("ninja-val-loss", valLoss::getAsDouble);
    }

    /** A step's report: to the listener now when no evaluation is pending, else after it. */
    void step(int step, float lr, float loss) {
        if (evalStep >= 0 && result.isDone()) {
            deliver();
        }
        if (evalStep < 0) {
            listener.onStep(step, lr, loss);
            return;
        }
        if (buffered == steps.length) {
            await();
            listener.onStep(step, lr, loss);
            return;
        }
        steps[buffered] = step;
        lrs[buffered] = lr;
        losses[buffered] = loss;
        buffered++;
    }

    /** Waits for the pending evaluation, if any, and passes it on with the steps after it. */
    void await() {
        if (evalStep >= 0) {
            deliver();
        }
    }

    private void deliver() {
        int at = evalStep;
        Background<Double> f = result;
        evalStep = -1;
        result = null;
        double value;
        try {
            value = f.await();                 // uninterruptible: the training thread's interrupt stays set
        } catch (RuntimeException | Error e) {
            buffered = 0;
            throw e;
        } catch (Exception e) {
            buffered = 0;
            throw new IllegalStateException("the val loss after step " + at + " failed: " + e, e);
        }
        listener.onEval(at, (float) value);
        for (int i = 0; i < buffered; i++) {
            listener.onStep(steps[i], lrs[i], losses[i]);
        }
        buffered = 0;
    }
}
