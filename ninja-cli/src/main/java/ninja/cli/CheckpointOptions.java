package ninja.cli;

import java.nio.file.Path;
import ninja.data.Names;
import ninja.data.Splits;
import ninja.io.Checkpoint;
import ninja.io.CheckpointException;
import ninja.model.Config;
import picocli.CommandLine.ParseResult;

/**
 * Loading a checkpoint for a command: the model flags given on the command line must agree with it (the checkpoint
 * decides the model; a flag that says otherwise is a mistake to report, not to ignore), and the data's vocabulary
 * must be the one it was trained on.
 */
final class CheckpointOptions {
    private CheckpointOptions() {
    }

    static Checkpoint load(Path file, ModelOptions model, ParseResult parsed) {
        Checkpoint ck = Checkpoint.read(file);
        Config c = ck.config();
        agree(file, parsed, "--config", model.config, c.name());
        agree(file, parsed, "--embd", model.embd, c.nEmbd());
        agree(file, parsed, "--hidden", model.hidden, c.nHidden());
        agree(file, parsed, "--block", model.block, c.blockSize());
        agree(file, parsed, "--batch", model.batch, c.batchSize());
        agree(file, parsed, "--seed", model.seed, c.seed());
        return ck;
    }

    static void agree(Path file, ParseResult parsed, String flag, Object given, Object stored) {
        if (parsed.hasMatchedOption(flag) && given != null && !given.toString().equals(stored.toString())) {
            throw new CheckpointException(file, "the checkpoint has " + flag.substring(2) + " " + stored + " but " + flag
                    + " " + given + " was given (leave the flag out to use the checkpoint's)");
        }
    }

    /** The notebook's splits for the checkpoint's block size, after checking the vocabulary. */
    static Splits splits(Path file, Checkpoint ck, Names names) {
        Splits s = Splits.of(names, ck.config().blockSize());
        ck.checkVocabulary(file, s.vocab(), names.source());
        return s;
    }
}
