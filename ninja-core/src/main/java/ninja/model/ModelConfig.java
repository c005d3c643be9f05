package ninja.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** What every model configuration has: {@link Config} (the notebook's MLP) and {@link WaveNetConfig} (part 5). */
public interface ModelConfig {
    /** The --config name: notebook, lecture or wavenet. */
    String name();

    int nEmbd();

    int nHidden();

    int blockSize();

    int batchSize();

    long seed();

    /** This configuration with the given overrides; a null keeps the current value. */
    ModelConfig with(Integer embd, Integer hidden, Integer block, Integer batch, Long newSeed);

    /** One line, e.g. {@code notebook (n_embd 10, n_hidden 200, block 3, batch 32, seed 2147483647)}. */
    default String describe() {
        return String.format("%s (n_embd %d, n_hidden %d, block %d, batch %d, seed %d)", name(), nEmbd(), nHidden(),
                blockSize(), batchSize(), seed());
    }

    /** The same as JSON fields, in this order: name, n_embd, n_hidden, block_size, batch_size, seed. */
    default Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("n_embd", nEmbd());
        m.put("n_hidden", nHidden());
        m.put("block_size", blockSize());
        m.put("batch_size", batchSize());
        m.put("seed", seed());
        return m;
    }
}
