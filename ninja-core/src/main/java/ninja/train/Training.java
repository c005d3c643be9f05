package ninja.train;

import java.util.function.BooleanSupplier;

/** A training run of some model, C its checkpoint: what {@link Trainer} and {@link WaveNetTrainer} both offer. */
public interface Training<C> {
    /** The learning rate at each step. */
    ninja.model.Schedule schedule();

    /** The next step to run (0, or a resumed checkpoint's). */
    int step();

    /**
     * Trains until {@code totalSteps} steps are done or {@code stop} says so (checked after each step); true when
     * all steps ran. Throws {@link NonFiniteLossException} at a divergence.
     */
    boolean run(int totalSteps, int evalEvery, int checkpointEvery, StepListener<? super C> l, BooleanSupplier stop);

    /** The state now, to resume from. */
    C checkpoint();
}
