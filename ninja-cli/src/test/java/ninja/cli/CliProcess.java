package ninja.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The CLI in a child JVM, for what needs a process of its own: signals, locks held by another process, pipes. */
final class CliProcess {
    private CliProcess() {
    }

    static ProcessBuilder builder(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Xss8m"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "ninja.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    static ProcessBuilder builder(String... args) {
        return builder(List.of(), args);
    }

    /** Waits until DIR/metrics.csv holds a row after the header: the training loop is running. */
    static void awaitTraining(Process p, Path dir) throws Exception {
        Path csv = dir.resolve("metrics.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the run ended before training: exit " + p.exitValue());
            }
            if (Files.exists(csv) && Files.readAllLines(csv, StandardCharsets.UTF_8).size() >= 2) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no training after 120 s");
    }

    static void signal(Process p, String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor();
    }

    /** Waits for the end (at most 120 s) and returns the exit code. */
    static int exit(Process p) throws InterruptedException {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 120 s");
        }
        return p.exitValue();
    }
}
