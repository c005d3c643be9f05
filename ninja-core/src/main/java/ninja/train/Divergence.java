package ninja.train;

/**
 * Divergence that stays finite: the mean batch loss over the last {@value #WINDOW} steps is more than
 * {@value #FACTOR} times where the run began. The baseline is the larger of the run's first loss and ln(vocab), the
 * loss of guessing uniformly, so a run resumed from a well-trained checkpoint is not held to its own low loss.
 *
 * <p>Healthy runs stay far below: on the notebook's full 200,000-step runs the largest 20-step mean was 3.72 at lr
 * 0.1, 3.58 at 0.3 and 4.11 at 1.0, all within the first steps, against a threshold of 3 x 3.8279 = 11.48 (measured
 * from metrics.csv; see TrainerTest). Diverging runs cross it at once: --lr 10 has a loss of 218 at step 4.
 */
final class Divergence {
    static final int WINDOW = 20;
    static final double FACTOR = 3;
    /** A partial window counts from this many steps on (a short run must be caught too). */
    static final int MIN_STEPS = 5;

    private final double floor;
    private final float[] ring = new float[WINDOW];
    private double baseline = Double.NaN;
    private int count;

    Divergence(int vocabSize) {
        this.floor = Math.log(vocabSize);
    }

    /** Adds a finite loss; returns the window's mean if it is a divergence, else NaN. */
    double add(float loss) {
        if (Double.isNaN(baseline)) {
            baseline = Math.max(loss, floor);
        }
        ring[count % WINDOW] = loss;
        count++;
        int n = Math.min(count, WINDOW);
        if (n < MIN_STEPS) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += ring[i];
        }
        double mean = sum / n;
        return mean > FACTOR * baseline ? mean : Double.NaN;
    }

    /** Stops the run, naming the step, at a NaN or infinite loss or a divergence that stays finite. */
    void check(int step, float loss, float lr) {
        if (!Float.isFinite(loss)) {
            throw new NonFiniteLossException(step, "the loss is " + loss + " at step " + step + " (lr " + lr
                    + "): training diverged; try a smaller --lr");
        }
        double mean = add(loss);
        if (!Double.isNaN(mean)) {
            throw new NonFiniteLossException(step, String.format(java.util.Locale.ROOT,
                    "the loss is %s at step %d (lr %s), its mean over the last %d steps %.4g, more than %.0f times"
                    + " where the run began (above %.4g): training diverged; try a smaller --lr", loss, step, lr,
                    window(), mean, FACTOR, threshold()));
        }
    }

    double threshold() {
        return FACTOR * baseline;
    }

    int window() {
        return Math.min(count, WINDOW);
    }
}
