package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ninja.io.Checkpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 12's data-loss cases, each in a child process on a temporary folder: signals, two runs, kills. */
class RunSafetyTest {
    /** The child processes of the current test, killed after it whatever happened (a run may last for ever). */
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    private Process start(ProcessBuilder pb) throws java.io.IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** A run that lasts until it is stopped. */
    Process longRun(Path dir, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("train", "--data", CliRun.data(), "--hidden", "16", "--steps",
                "100000000", "--eval-every", "0", "--out", dir.toString()));
        a.addAll(List.of(more));
        Files.createDirectories(dir);
        ProcessBuilder pb = CliProcess.builder(a.toArray(String[]::new));
        pb.redirectOutput(dir.resolveSibling(dir.getFileName() + ".out").toFile());
        pb.redirectError(dir.resolveSibling(dir.getFileName() + ".err").toFile());
        return start(pb);
    }

    static String out(Path dir) throws Exception {
        return Files.readString(dir.resolveSibling(dir.getFileName() + ".out"))
                + Files.readString(dir.resolveSibling(dir.getFileName() + ".err"));
    }

    /** Every row whole (step,lr,loss,val_loss), steps 0..n-1 in order, and the file ends with a newline. */
    static void assertWholeRows(Path csv, int rows) throws Exception {
        String text = Files.readString(csv, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).isEqualTo(Metrics.HEADER);
        assertThat(lines).hasSize(rows + 1);
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i)).matches((i - 1) + ",[0-9.]+,[0-9.]+,([0-9.]+)?");
        }
    }

    @ParameterizedTest
    @CsvSource({"TERM, 143", "HUP, 129", "INT, 130"})
    void aSignalFinishesTheStepWritesTheCheckpointAndExits128PlusItsNumber(String signal, int code, @TempDir Path tmp)
            throws Exception {
        Path dir = tmp.resolve("run");
        Process p = longRun(dir);
        CliProcess.awaitTraining(p, dir);
        CliProcess.signal(p, signal);
        assertThat(CliProcess.exit(p)).as(out(dir)).isEqualTo(code);
        Checkpoint ck = Checkpoint.read(dir.resolve("checkpoint.safetensors"));
        assertThat(ck.step()).isPositive();
        assertWholeRows(dir.resolve("metrics.csv"), ck.step());
        assertThat(out(dir)).contains("interrupted (SIG" + signal + ") after step " + (ck.step() - 1));
    }

    @Test
    void aFastDoubleCtrlCStillEndsWithAWholeCheckpoint(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Process p = longRun(dir);
        CliProcess.awaitTraining(p, dir);
        new ProcessBuilder("sh", "-c", "kill -INT " + p.pid() + "; kill -INT " + p.pid() + "; kill -INT " + p.pid())
                .start().waitFor();
        assertThat(CliProcess.exit(p)).as(out(dir)).isEqualTo(130);
        Checkpoint ck = Checkpoint.read(dir.resolve("checkpoint.safetensors"));
        assertWholeRows(dir.resolve("metrics.csv"), ck.step());
        assertThat(CliRun.run("sample", dir.resolve("checkpoint.safetensors").toString(), "-n", "2").code()).isZero();
    }

    @Test
    void thePrintedResumeCommandKeepsEveryFlagAndEndsWhereAStraightRunEnds(@TempDir Path tmp) throws Exception {
        String[] flags = {"--hidden", "16", "--steps", "30000", "--eval-every", "7000", "--checkpoint-every", "9000",
            "--samples", "3", "--quiet"};
        Path a = tmp.resolve("a");
        List<String> args = new ArrayList<>(List.of("train", "--data", CliRun.data(), "--out", a.toString()));
        args.addAll(List.of(flags));
        Files.createDirectories(a);
        ProcessBuilder pb = CliProcess.builder(List.of("-Dninja.launcher=/opt/my ninja/ninja"), args.toArray(String[]::new));
        pb.redirectOutput(tmp.resolve("a.out").toFile());
        pb.redirectError(tmp.resolve("a.err").toFile());
        Process p = start(pb);
        CliProcess.awaitTraining(p, a);
        CliProcess.signal(p, "TERM");
        int code = CliProcess.exit(p);
        String printed = Files.readString(tmp.resolve("a.out"));
        if (code == 0) {
            return;             // this machine finished 30,000 steps before the signal: nothing to resume
        }
        assertThat(code).as(printed + Files.readString(tmp.resolve("a.err"))).isEqualTo(143);
        String prefix = "resume with: '/opt/my ninja/ninja' train ";
        String line = printed.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
        assertThat(line).contains("--resume " + a.resolve("checkpoint.safetensors").toAbsolutePath())
                .contains("--eval-every 7000").contains("--checkpoint-every 9000").contains("--samples 3")
                .contains("--quiet").contains("--data " + Path.of(CliRun.data()).toAbsolutePath());
        List<String> resumed = new ArrayList<>(List.of("train"));
        resumed.addAll(Arrays.asList(line.substring(prefix.length()).split(" ")));
        CliRun r = CliRun.run(resumed.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();

        Path b = tmp.resolve("b");
        List<String> straight = new ArrayList<>(List.of("train", "--data", CliRun.data(), "--out", b.toString()));
        straight.addAll(List.of(flags));
        CliRun s = CliRun.run(straight.toArray(String[]::new));
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(Files.readAllLines(a.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(b.resolve("metrics.csv")));
        assertThat(Files.readAllBytes(a.resolve("checkpoint.safetensors")))
                .isEqualTo(Files.readAllBytes(b.resolve("checkpoint.safetensors")));
        assertThat(r.out().lines().filter(l -> !l.startsWith("steps"))).isEqualTo(
                s.out().replace(b.toString(), a.toString()).lines().filter(l -> !l.startsWith("steps")).toList());
    }

    @Test
    void aRunOwnsItsFolderAndACrashedRunDoesNotKeepIt(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Process p = longRun(dir);
        CliProcess.awaitTraining(p, dir);
        CliRun second = CliRun.run("train", "--data", CliRun.data(), "--hidden", "16", "--steps", "10", "--quiet",
                "--out", dir.toString());
        assertThat(second.code()).isEqualTo(2);
        assertThat(second.err()).isEqualTo("ninja: error: " + dir + " is in use by another train run (pid " + p.pid()
                + "); wait for it to end or pass another --out\n");
        CliProcess.signal(p, "KILL");
        assertThat(CliProcess.exit(p)).isEqualTo(137);
        // killed without a word, yet the folder is free again; the killed run's torn temporary files are removed
        Path stale = Files.writeString(dir.resolve(".checkpoint.safetensors.1f2e3d4c5b6a7988.tmp"), "torn");
        Path other = Files.writeString(dir.resolve(".checkpoint.safetensors.notes"), "mine");
        CliRun third = CliRun.run("train", "--data", CliRun.data(), "--hidden", "16", "--steps", "10", "--quiet",
                "--samples", "0", "--out", dir.toString());
        assertThat(third.code()).as(third.err()).isZero();
        assertThat(stale).doesNotExist();
        assertThat(other).exists();
    }

    @Test
    void theTrainedModelIsSavedBeforeCalibrationAndASignalThereEndsTheRunAtOnce(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        // calibrating 50,000 hidden units over the 182,625 training rows takes many seconds
        ProcessBuilder pb = CliProcess.builder("train", "--data", CliRun.data(), "--hidden", "50000", "--steps", "2",
                "--quiet", "--out", dir.toString());
        pb.redirectOutput(tmp.resolve("run.out").toFile());
        pb.redirectError(tmp.resolve("run.err").toFile());
        Process p = start(pb);
        Path ck = dir.resolve("checkpoint.safetensors");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(ck) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(500);                          // into the calibration (a signal just before is handled too)
        CliProcess.signal(p, "TERM");
        assertThat(CliProcess.exit(p)).as(out(dir)).isEqualTo(143);
        assertThat(out(dir)).containsAnyOf("ninja: SIGTERM: stopped; " + ck + " holds the model as of the last step",
                "interrupted (SIGTERM) after the last step, before calibration; checkpoint (running batchnorm statistics)"
                + " written to " + ck);
        assertThat(Checkpoint.read(ck).step()).isEqualTo(2);
    }

    @Test
    void usageErrorsPointAtTheRightHelp() {
        assertThat(CliRun.run("bogus").err()).endsWith("(see: ninja --help)\n");
        assertThat(CliRun.run("exercise", "grade").err()).endsWith("(see: ninja exercise grade --help)\n");
    }

    @Test
    void defaultRunFoldersAreUniqueEvenInTheSameSecond(@TempDir Path tmp) throws Exception {
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dirs.add(RunDirs.create(null, tmp.resolve("runs")));
        }
        assertThat(dirs).doesNotHaveDuplicates().allMatch(Files::isDirectory);
        assertThat(dirs.get(0).getFileName().toString()).matches("\\d{8}-\\d{6}(-\\d+)?");
    }
}
