package ninja.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands; exits 2 with a message. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "(not yet available)")
final class CheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new Errors.UserError("'check' is not available yet");
    }
}
