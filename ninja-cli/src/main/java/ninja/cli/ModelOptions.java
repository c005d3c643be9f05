package ninja.cli;

import java.nio.file.Path;
import ninja.data.DataLocator;
import ninja.data.Names;
import ninja.io.WaveNetCheckpoint;
import ninja.model.Config;
import ninja.model.WaveNetConfig;
import picocli.CommandLine.Option;

/** The options every model command shares: which data, which configuration, and size overrides. */
final class ModelOptions {
    @Option(names = "--data", paramLabel = "PATH",
            description = "names file (default: $NINJA_DATA, else ./names.txt, else the copy built into the jar)")
    Path data;

    @Option(names = "--config", defaultValue = "notebook",
            description = "model configuration: notebook (n_hidden 200, the notebook's init), lecture (n_hidden 64, bngain/bnbias drawn from g) or wavenet (makemore part 5: block 8, n_embd 24, n_hidden 128); default ${DEFAULT-VALUE}")
    String config;

    @Option(names = "--hidden", paramLabel = "N", description = "n_hidden, neurons in the hidden layer")
    Integer hidden;

    @Option(names = "--embd", paramLabel = "N", description = "n_embd, size of a character embedding")
    Integer embd;

    @Option(names = "--block", paramLabel = "N", description = "block_size, characters of context")
    Integer block;

    @Option(names = "--batch", paramLabel = "N", description = "batch size (at least 2)")
    Integer batch;

    @Option(names = "--seed", paramLabel = "N", description = "generator seed (default 2147483647)")
    Long seed;

    /** Whether {@code --config wavenet} was chosen (the layer model of makemore part 5). */
    boolean wavenet() {
        return WaveNetCheckpoint.CONFIG.equals(config);
    }

    WaveNetConfig waveNetConfig() {
        return WaveNetConfig.NOTEBOOK.with(embd, hidden, block, batch, seed);
    }

    /** block_size of the chosen configuration. */
    int blockSize() {
        return wavenet() ? waveNetConfig().blockSize() : config().blockSize();
    }

    Config config() {
        return Config.named(config).with(embd, hidden, block, batch, seed);
    }

    Names names() {
        return new DataLocator(System.getenv(), Path.of("")).load(data);
    }
}
