package ninja.model;

import ninja.data.Batch;
import ninja.data.Splits;
import ninja.nn.Sequential;
import ninja.rng.TorchGenerator;

/**
 * The notebook's start, for either model: the data split, the generator seeded, the model initialised from it. The
 * generator is left where the notebook's is after initialisation, so the next draw is the first minibatch. Every
 * command and trainer that starts a model starts here (one door: the same seed gives the same model everywhere).
 *
 * @param <M> the model: the MLP's {@link Parameters} or the WaveNet's {@link Sequential}
 */
public record Start<M>(Splits splits, M model, TorchGenerator generator) {

    /** Part 4: {@code g = torch.Generator().manual_seed(seed)}; C, W1, b1, W2, b2 (bngain, bnbias) drawn from g. */
    public static Start<Parameters> mlp(Config cfg, Splits splits) {
        requireBlock(cfg.blockSize(), splits);
        TorchGenerator g = new TorchGenerator(cfg.seed());
        return new Start<>(splits, Parameters.init(cfg, splits.vocab().size(), g), g);
    }

    /** Part 5: {@code torch.manual_seed(seed)}; the layers draw their weights from the default generator. */
    public static Start<Sequential> wavenet(WaveNetConfig cfg, Splits splits) {
        requireBlock(cfg.blockSize(), splits);
        TorchGenerator g = new TorchGenerator(cfg.seed());
        return new Start<>(splits, WaveNet.build(cfg, splits.vocab().size(), g), g);
    }

    /** The notebook's first minibatch, {@code ix = torch.randint(0, Xtr.shape[0], (batch_size,))}: step 0's. */
    public Batch firstBatch(int batchSize) {
        return Batch.draw(splits.train(), batchSize, generator);
    }

    private static void requireBlock(int blockSize, Splits splits) {
        if (splits.train().blockSize() != blockSize) {
            throw new IllegalArgumentException("data built for block size " + splits.train().blockSize()
                    + ", model for " + blockSize);
        }
    }
}
