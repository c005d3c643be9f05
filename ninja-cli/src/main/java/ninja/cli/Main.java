package ninja.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./ninja}: the command line. Exit codes: 0 ok, 1 a check failed (or training diverged, or the output could
 * not be written), 2 bad usage or bad input, 3 the reference cannot
 * start (use --reference fd), 130/143/129 training stopped by SIGINT/SIGTERM/SIGHUP, 141 stdout closed
 * (a pipe's reader went away). With {@code --json} stdout carries exactly one JSON object, errors included:
 * {@code {"error": "...", "exit": N}}.
 */
@Command(name = "ninja", mixinStandardHelpOptions = true, version = "backprop-ninja 0.1.0",
        description = "Backprop ninja in Java: a character-level MLP on names.txt with every gradient written by hand.",
        subcommands = {DataCommand.class, InitCommand.class, CheckCommand.class, TrainCommand.class,
                EvalCommand.class, SampleCommand.class, BenchCommand.class, ExerciseCommand.class, ShellCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int CHECK_FAILED = 1;
    public static final int OUTPUT_FAILED = 1;
    public static final int BAD_INPUT = 2;
    /** The reference (libtorch) cannot start here: try --reference fd. */
    public static final int REFERENCE_UNAVAILABLE = 3;
    public static final int INTERRUPTED = 130;
    /** 128 + SIGPIPE, what a shell reports for a writer whose pipe closed. */
    public static final int PIPE_CLOSED = 141;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try ./ninja --help)");
    }

    public static void main(String[] args) {
        Stdout.Sink sink = new Stdout.Sink(new FileOutputStream(FileDescriptor.out));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(sink), true);
        System.exit(run(args, out, new PrintWriter(System.err, true), sink::failure));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, () -> null);
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, Supplier<IOException> outFailure) {
        Stdout.Tracking tracked = new Stdout.Tracking(out);
        Stdout.Tracking trackedErr = new Stdout.Tracking(err);
        PrintWriter o = new PrintWriter(tracked, true);
        PrintWriter e = new PrintWriter(trackedErr, true);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(o);
        cl.setErr(e);
        cl.setExitCodeExceptionMapper(Errors::exitCode);
        cl.setParameterExceptionHandler((ex, a) -> {
            e.println("ninja: error: " + ex.getMessage());
            e.println("(see: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            e.println("ninja: error: " + Errors.message(ex));
            return Errors.exitCode(ex);
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError oom) {
            e.println("ninja: error: " + Errors.outOfMemory());
            code = CHECK_FAILED;
        }
        o.flush();
        e.flush();
        if (out.checkError()) {
            IOException why = outFailure.get();
            if (why != null && String.valueOf(why.getMessage()).contains("Broken pipe")) {
                return PIPE_CLOSED;
            }
            err.println("ninja: error: cannot write to standard output" + (why != null ? ": " + why.getMessage() : "")
                    + "; the output is incomplete");
            err.flush();
            return OUTPUT_FAILED;
        }
        if (code != OK && wantsJson(args) && !tracked.wroteAnything()) {
            Json.print(out, Errors.json(trackedErr.firstError(), code));
        }
        return code;
    }

    /** Whether --json is among the options (before a "--" that ends them). */
    static boolean wantsJson(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--json")) {
                return true;
            }
        }
        return false;
    }
}
