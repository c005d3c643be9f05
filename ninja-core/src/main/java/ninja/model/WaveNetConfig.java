package ninja.model;

/**
 * The WaveNet's sizes (makemore part 5: n_embd 24, n_hidden 128, block_size 8, batch 32) and the seed of torch's
 * default generator ({@code torch.manual_seed(42)}).
 */
public record WaveNetConfig(int nEmbd, int nHidden, int blockSize, int batchSize, long seed)
        implements ModelConfig {
    public static final WaveNetConfig NOTEBOOK = new WaveNetConfig(24, 128, 8, 32, 42);

    public WaveNetConfig {
        check(nEmbd >= 1 && nEmbd <= 1 << 16, "embedding size (--embd) must be between 1 and 65536, got " + nEmbd);
        check(nHidden >= 1 && nHidden <= 1 << 16, "hidden size (--hidden) must be between 1 and 65536, got " + nHidden);
        check(blockSize >= 2 && blockSize <= 1 << 10 && Integer.bitCount(blockSize) == 1,
                "block size (--block) of the wavenet must be a power of two from 2 to 1024 (each level halves it), got "
                        + blockSize);
        check(batchSize >= 2, "batch size (--batch) must be at least 2 (batchnorm's variance divides by n-1), got "
                + batchSize);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** FlattenConsecutive(2) levels: log2(block_size). */
    public int levels() {
        return Integer.numberOfTrailingZeros(blockSize);
    }

    /** The --config name of every WaveNet configuration. */
    public static final String NAME = "wavenet";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public WaveNetConfig with(Integer embd, Integer hidden, Integer block, Integer batch, Long newSeed) {
        return new WaveNetConfig(embd != null ? embd : nEmbd, hidden != null ? hidden : nHidden,
                block != null ? block : blockSize, batch != null ? batch : batchSize, newSeed != null ? newSeed : seed);
    }
}
