package ninja.train;

import ninja.data.ContextDataset;
import ninja.model.Mlp;
import ninja.model.Parameters;

/**
 * The lecture's {@code split_loss} for the MLP: the mean cross-entropy over a whole split, batchnorm in eval mode
 * with the running (or calibrated) statistics,
 * <pre>
 * hpreact = bngain * (hprebn - bnmean) * (bnstd**2 + 1e-5)**-0.5 + bnbias
 * </pre>
 * run by {@link SequentialEval} on {@link Mlp#layers}.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** Mean loss of the model over every example of {@code d} (p as it is: call TrainStep.parameters() first). */
    public static double loss(Parameters p, ContextDataset d) {
        return loss(p, d, true);
    }

    /** With {@code twoThreads} false, always on the calling thread (tests: the result must not change). */
    static double loss(Parameters p, ContextDataset d, boolean twoThreads) {
        if (d.blockSize() != p.blockSize()) {
            throw new IllegalArgumentException("the data has block size " + d.blockSize()
                    + " but the model was built for " + p.blockSize());
        }
        return SequentialEval.loss(Mlp.layers(p), d, twoThreads);
    }
}
