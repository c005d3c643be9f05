package ninja.model;

/**
 * The lecture's step learning-rate decay: {@code lr = 0.1 if i < 100000 else 0.01}. The rates are float32, as torch
 * applies a Python float to a float32 tensor.
 */
public record Schedule(float lr, float lrFinal, int decayStep) {
    public static final Schedule LECTURE = new Schedule(0.1f, 0.01f, 100_000);
    /** makemore part 5: {@code lr = 0.1 if i < 150000 else 0.01}. */
    public static final Schedule WAVENET = new Schedule(0.1f, 0.01f, 150_000);

    public Schedule {
        if (!(lr > 0) || !Float.isFinite(lr) || !(lrFinal > 0) || !Float.isFinite(lrFinal)) {
            throw new IllegalArgumentException("learning rates must be positive and finite, got " + lr + " and " + lrFinal);
        }
        if (decayStep < 0) {
            throw new IllegalArgumentException("the decay step must not be negative, got " + decayStep);
        }
    }

    /** The rate of step i (0-based). */
    public float at(int step) {
        return step < decayStep ? lr : lrFinal;
    }
}
