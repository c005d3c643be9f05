package ninja.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands; exits 2 with a message. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "(not yet available)")
final class EvalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new Errors.UserError("'eval' is not available yet");
    }
}
