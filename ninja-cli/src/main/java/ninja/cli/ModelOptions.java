package ninja.cli;

import java.nio.file.Path;
import ninja.data.DataLocator;
import ninja.data.Names;
import ninja.data.Splits;
import ninja.io.Saved;
import ninja.model.Config;
import ninja.model.ModelConfig;
import ninja.model.WaveNetConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every model command shares: which data, which configuration, and size overrides. The one door from
 * the command line to a model: the configuration chosen, its data split, a checkpoint checked against the flags.
 */
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

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Whether {@code --config wavenet} was chosen (the layer model of makemore part 5). */
    boolean wavenet() {
        return WaveNetConfig.NAME.equals(config);
    }

    /** The configuration chosen, with the size flags applied: a {@link Config} or a {@link WaveNetConfig}. */
    ModelConfig chosen() {
        return wavenet() ? waveNetConfig() : config();
    }

    WaveNetConfig waveNetConfig() {
        return WaveNetConfig.NOTEBOOK.with(embd, hidden, block, batch, seed);
    }

    /** The MLP's configuration ({@code --config notebook} or {@code lecture}). */
    Config config() {
        return Config.named(config).with(embd, hidden, block, batch, seed);
    }

    Names names() {
        return names(data);
    }

    /** The names file: {@code data} if given, else $NINJA_DATA, ./names.txt, the copy built into the jar. */
    static Names names(Path data) {
        return new DataLocator(System.getenv(), Path.of("")).load(data);
    }

    /** The notebook's 80/10/10 split of the data for the chosen block size. */
    Splits splits() {
        return Splits.of(names(), chosen().blockSize());
    }

    /** A checkpoint of either model, each model flag given agreeing with it. */
    Saved load(Path file) {
        Saved ck = Saved.read(file);
        ModelConfig c = ck.config();
        agree(file, "--config", config, c.name());
        agree(file, "--embd", embd, c.nEmbd());
        agree(file, "--hidden", hidden, c.nHidden());
        agree(file, "--block", block, c.blockSize());
        agree(file, "--batch", batch, c.batchSize());
        agree(file, "--seed", seed, c.seed());
        return ck;
    }

    /** The notebook's splits for a checkpoint's block size, after checking the data's vocabulary against it. */
    Splits splits(Path file, Saved ck, Names names) {
        Splits s = Splits.of(names, ck.config().blockSize());
        ck.checkVocabulary(file, s.vocab(), names.source());
        return s;
    }

    /** The checkpoint decides the model: a flag that says otherwise is a mistake to report, not to ignore. */
    private void agree(Path file, String flag, Object given, Object stored) {
        if (spec.commandLine().getParseResult().hasMatchedOption(flag) && given != null
                && !given.toString().equals(stored.toString())) {
            throw new ninja.io.CheckpointException(file, "the checkpoint has " + flag.substring(2) + " " + stored
                    + " but " + flag + " " + given + " was given (leave the flag out to use the checkpoint's)");
        }
    }
}
