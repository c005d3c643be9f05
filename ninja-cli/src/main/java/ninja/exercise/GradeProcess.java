package ninja.exercise;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code exercise grade} runs the learner's code in a child JVM, so that code cannot end the grader: a
 * {@code System.exit(0)} or {@code Runtime.halt(0)} in a step used to end the grade with exit 0 and no output,
 * which reads as "all done". The child is the same command with {@code --status-file}; it writes there the
 * step it is about to run, and "done" when it has printed its report. A child that ends without "done" was
 * ended by the learner's code, and the parent says so, naming the step, and exits 1. Everything else (output,
 * errors, exit code) is the child's, passed through. Costs one JVM start (~0.5 s).
 */
public final class GradeProcess {
    static final String DONE = "done";

    private GradeProcess() {
    }

    /** Runs {@code ninja <args> --status-file F} in a child JVM and passes its output through. */
    public static int run(List<String> args, PrintWriter out, PrintWriter err, int failedCode) {
        return run(args, out, err, failedCode, "grading");
    }

    /** The same for another activity of the learner's code ("training"), named so in the messages. */
    public static int run(List<String> args, PrintWriter out, PrintWriter err, int failedCode, String activity) {
        try {
            Path status = Files.createTempFile("ninja-grade", ".status");
            Path errFile = Files.createTempFile("ninja-grade", ".err");
            try {
                List<String> cmd = new ArrayList<>();
                cmd.add(ProcessHandle.current().info().command().orElse("java"));
                for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                    if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp")) {
                        cmd.add(a);
                    }
                }
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add("ninja.cli.Main");
                cmd.addAll(args);
                cmd.add("--status-file=" + status);
                Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile())
                        .redirectInput(ProcessBuilder.Redirect.INHERIT).start();
                try (Reader in = new InputStreamReader(p.getInputStream())) {
                    char[] buf = new char[8192];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                        out.flush(); // as it comes: a training's progress lines, not all at the end
                    }
                }
                int rc = p.waitFor();
                out.flush();
                err.print(Files.readString(errFile));
                err.flush();
                List<String> lines = Files.readAllLines(status, StandardCharsets.UTF_8);
                if (lines.contains(DONE)) {
                    return rc;
                }
                String step = lines.isEmpty() ? null : lines.get(lines.size() - 1);
                String why = step == null
                        ? "the " + activity + " ended early (exit status " + rc + ") before it ran any step"
                        : "your code ended the " + activity + " while running " + step + " (exit status " + rc
                                + "): System.exit or Runtime.halt? a step must return its gradient, never end the JVM";
                if (args.contains("--json")) {
                    out.println(new ObjectMapper().writeValueAsString(Map.of("error", why, "exit", failedCode)));
                    out.flush();
                }
                err.println("ninja: error: " + why);
                err.flush();
                return failedCode;
            } finally {
                Files.deleteIfExists(status);
                Files.deleteIfExists(errFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the grading process: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while grading");
        }
    }

    /** In the child: notes a line (the step about to run, or "done") in the status file. */
    public static void note(Path status, String line) {
        try {
            Files.writeString(status, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + status + ": " + e.getMessage(), e);
        }
    }
}
