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

    double threshold() {
        return FACTOR * baseline;
    }

    int window() {
        return Math.min(count, WINDOW);
    }
}
