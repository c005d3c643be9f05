package ninja.exercise;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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
                Process p = new ProcessBuilder(command(args, status)).redirectError(errFile.toFile())
                        .redirectInput(ProcessBuilder.Redirect.INHERIT).start();
                relay(p.getInputStream(), out); // as it comes: a training's progress lines, not all at the end
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

    /** {@code java <this JVM's options> ninja.cli.Main <args> --status-file=F}. */
    private static List<String> command(List<String> args, Path status) {
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
        return cmd;
    }

    /** Copies a child's output to {@code out} as it comes, flushing each chunk. */
    private static void relay(InputStream from, PrintWriter out) throws IOException {
        try (Reader in = new InputStreamReader(from)) {
            char[] buf = new char[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (out) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        }
    }

    /**
     * {@code exercise grade --watch}: the watch itself (warm JVM, compiler and reference) runs in a child JVM, so
     * that learner code which ends its JVM ends the child only. The child notes {@code file HASH} before each grade
     * and the step it runs; when it dies without "done", this says which step ended it and starts a new child that
     * waits for the next save (told to skip the content that ended the last one). Stops with 130 when {@code stop}
     * says so or the thread is interrupted (the child is ended with SIGTERM first). A child that dies before it
     * graded anything is not restarted: its exit status is returned.
     */
    public static int watch(List<String> args, PrintWriter out, PrintWriter err, BooleanSupplier stop,
            String stoppedLine) {
        String skip = null;
        while (true) {
            try {
                Path status = Files.createTempFile("ninja-watch", ".status");
                try {
                    List<String> a = new ArrayList<>(args);
                    if (skip != null) {
                        a.add("--skip-content=" + skip);
                    }
                    Process p = new ProcessBuilder(command(a, status)).redirectInput(ProcessBuilder.Redirect.INHERIT)
                            .start();
                    Thread o = relayThread(p.getInputStream(), out), e = relayThread(p.getErrorStream(), err);
                    boolean stopped = false;
                    while (true) {
                        try {
                            if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
                                break;
                            }
                            if (!stopped && stop.getAsBoolean()) {
                                stopped = true;
                                p.toHandle().destroy(); // SIGTERM (Process.destroy would also close its output)
                            }
                        } catch (InterruptedException ex) {
                            stopped = true;
                            p.toHandle().destroy();
                        }
                    }
                    joinAll(o, e);
                    List<String> lines = Files.readAllLines(status, StandardCharsets.UTF_8);
                    String file = lines.stream().filter(l -> l.startsWith(FILE)).reduce((x, y) -> y).orElse(null);
                    if (stopped) {
                        if (!lines.contains(DONE)) { // SIGTERM ended the child before it could say so
                            synchronized (out) {
                                out.println(stoppedLine);
                                out.flush();
                            }
                        }
                        return 130;
                    }
                    if (lines.contains(DONE) || file == null) {
                        return p.exitValue();
                    }
                    String step = lines.get(lines.size() - 1);
                    synchronized (out) { // on stdout, with the watch's other reports (a compile error, say)
                        out.println("ninja: error: " + (step.equals(IDLE) || step.startsWith(FILE)
                                ? "the watch ended (exit status " + p.exitValue() + ")"
                                : "your code ended the grading while running " + step + " (exit status " + p.exitValue()
                                        + "): System.exit or Runtime.halt? a step must return its gradient, never end the JVM")
                                + "; watching again: the next save is graded");
                        out.flush();
                    }
                    skip = file.substring(FILE.length());
                } finally {
                    Files.deleteIfExists(status);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the watch process: " + e.getMessage(), e);
            }
        }
    }

    /** The status line a watching child notes before each grade: "file " and the content's SHA-256 in hex. */
    public static final String FILE = "file ";

    /** The status line a watching child notes after each grade. */
    public static final String IDLE = "idle";

    /** Waits for the relays to copy the child's last output, even when this thread is interrupted meanwhile. */
    private static void joinAll(Thread... threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread relayThread(InputStream from, PrintWriter out) {
        Thread t = new Thread(() -> {
            try {
                relay(from, out);
            } catch (IOException e) {
                // the child is gone: nothing more to copy
            }
        }, "watch-relay");
        t.setDaemon(true);
        t.start();
        return t;
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
