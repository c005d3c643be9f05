package ninja.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./ninja}: the command line. Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input,
 * 3 the reference cannot start (use --reference fd), 130 interrupted.
 */
@Command(name = "ninja", mixinStandardHelpOptions = true, version = "backprop-ninja 0.1.0",
        description = "Backprop ninja in Java: a character-level MLP on names.txt with every gradient written by hand.",
        subcommands = {DataCommand.class, InitCommand.class, CheckCommand.class, TrainCommand.class,
                EvalCommand.class, SampleCommand.class, BenchCommand.class, ExerciseCommand.class, ShellCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int CHECK_FAILED = 1;
    public static final int BAD_INPUT = 2;
    /** The reference (libtorch) cannot start here: try --reference fd. */
    public static final int REFERENCE_UNAVAILABLE = 3;
    public static final int INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try ./ninja --help)");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(Errors::exitCode);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("ninja: error: " + ex.getMessage());
            err.println("(see: ninja " + ex.getCommandLine().getCommandName() + " --help)");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            err.println("ninja: error: " + Errors.message(ex));
            return Errors.exitCode(ex);
        });
        return cl.execute(args);
    }
}
