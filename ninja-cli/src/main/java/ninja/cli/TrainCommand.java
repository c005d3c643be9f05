package ninja.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands; exits 2 with a message. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "(not yet available)")
final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new Errors.UserError("'train' is not available yet");
    }
}
