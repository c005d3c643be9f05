package ninja.model;

import java.util.List;
import java.util.Map;

/**
 * A model configuration: sizes, the generator seed, and how batchnorm's gain and bias start.
 *
 * <p>{@code notebook} is the notebook in shared/reference (n_hidden 200, bngain = ones*0.1+1, bnbias = zeros).
 * {@code lecture} is the lecture's Exercise 1 (n_hidden 64), made deterministic: bngain and bnbias are drawn
 * from the same generator g, right after b2. The lecture draws them from torch's default generator, which
 * libtorch seeds at random per process, so its printed numbers cannot be reproduced by anyone.
 */
public record Config(String name, int nEmbd, int nHidden, int blockSize, int batchSize, long seed, BnInit bnInit)
        implements ModelConfig {

    public enum BnInit {
        /** bngain = ones*0.1 + 1.0, bnbias = zeros*0.1. */
        CONSTANT,
        /** bngain = randn(1,H)*0.1 + 1.0, bnbias = randn(1,H)*0.1, both from g after b2. */
        RANDN
    }

    public static final long DEFAULT_SEED = 2147483647L;
    public static final List<String> NAMES = List.of("notebook", "lecture");

    public Config {
        check(nEmbd >= 1, "embedding size (--embd) must be at least 1, got " + nEmbd);
        check(nHidden >= 1, "hidden size (--hidden) must be at least 1, got " + nHidden);
        check(blockSize >= 1, "block size (--block) must be at least 1, got " + blockSize);
        check(batchSize >= 2, "batch size (--batch) must be at least 2 (batchnorm's variance divides by n-1), got "
                + batchSize);
        check((long) nEmbd * blockSize <= 1 << 20 && (long) nHidden <= 1 << 20, "sizes too large");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static Config named(String name) {
        return switch (name) {
            case "notebook" -> new Config("notebook", 10, 200, 3, 32, DEFAULT_SEED, BnInit.CONSTANT);
            case "lecture" -> new Config("lecture", 10, 64, 3, 32, DEFAULT_SEED, BnInit.RANDN);
            default -> throw new IllegalArgumentException(
                    "no configuration named '" + name + "' (choose one of " + String.join(", ", NAMES) + ")");
        };
    }

    @Override
    public Config with(Integer embd, Integer hidden, Integer block, Integer batch, Long newSeed) {
        return new Config(name, embd != null ? embd : nEmbd, hidden != null ? hidden : nHidden,
                block != null ? block : blockSize, batch != null ? batch : batchSize,
                newSeed != null ? newSeed : seed, bnInit);
    }

    /** The common fields and how batchnorm's gain and bias start ({@code bn_init}). */
    @Override
    public Map<String, Object> summary() {
        Map<String, Object> m = ModelConfig.super.summary();
        m.put("bn_init", bnInit.name().toLowerCase());
        return m;
    }

    /** Input width of the first linear layer: block_size * n_embd. */
    public int fanIn() {
        return nEmbd * blockSize;
    }
}
