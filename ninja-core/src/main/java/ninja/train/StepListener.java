package ninja.train;

/**
 * What a training loop reports, for a checkpoint type C; every method has a no-op default. One listener of a
 * supertype (say {@link ninja.io.Saved}) serves every trainer.
 */
public interface StepListener<C> {
    default void onStep(int step, float lr, float loss) {
    }

    default void onEval(int step, float valLoss) {
    }

    /**
     * The state after every checkpointEvery-th step (not at the end: the caller writes the final one), handed over
     * once the {@value Divergence#WINDOW} steps after it ran without divergence, so that a kept checkpoint is
     * always one from before a divergence.
     */
    default void onCheckpoint(int step, C ck) {
    }
}
