package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ninja.io.Checkpoint;
import ninja.io.Safetensors;
import ninja.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12's memory, divergence, checkpoint, output and data cases through the CLI, and --json errors. */
class SilentGarbageTest {

    static void assertOneLineError(CliRun r, int code, String... contains) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("ninja: error: ").contains(contains);
    }

    /** A checkpoint of a quick 20-step run in DIR/run. */
    static Path smallCheckpoint(Path dir) {
        Path run = dir.resolve("run");
        CliRun r = CliRun.run("train", "--data", CliRun.data(), "--hidden", "16", "--steps", "20", "--quiet", "--out",
                run.toString());
        assertThat(r.code()).as(r.err()).isZero();
        return run.resolve("checkpoint.safetensors");
    }

    @Test
    void sizesBeyondJavasArraysAreRefusedBeforeStarting(@TempDir Path dir) {
        CliRun r = CliRun.run("train", "--data", CliRun.data(), "--batch", "1000000000", "--out", dir.resolve("r").toString());
        assertOneLineError(r, 2, "--batch 1000000000 is too large", "batch x n_hidden");
        assertThat(dir.resolve("r")).doesNotExist();
    }

    @Test
    void aConfigurationTheHeapCannotHoldIsRefusedNamingTheFlagAndSizes(@TempDir Path dir) throws Exception {
        String[][] cases = {{"--hidden", "1000000"}, {"--batch", "10000000"}};
        for (String[] c : cases) {
            Path out = dir.resolve(c[0].substring(2));
            ProcessBuilder pb = CliProcess.builder(List.of("-Xmx256m"), "train", "--data", CliRun.data(), c[0], c[1],
                    "--steps", "2", "--out", out.toString());
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(CliProcess.exit(p)).as(text).isEqualTo(2);
            assertThat(text.lines().filter(l -> !l.contains("incubator"))).as(text).hasSize(1);
            assertThat(text).contains("ninja: error: " + c[0] + " " + c[1] + " needs about ")
                    .containsPattern("of memory \\(parameters [0-9.]+ [MG]B, training [0-9.]+ [MG]B, evaluation")
                    .contains("but the Java heap has").contains("use a smaller " + c[0]);
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void aFiniteDivergenceStopsNamingStepAndLossAndKeepsACheckpointFromBeforeIt(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.run("train", "--data", CliRun.data(), "--lr", "10", "--steps", "50", "--quiet", "--out",
                dir.resolve("a").toString());
        assertOneLineError(r, 1, "training diverged", "no checkpoint was written");
        assertThat(r.err()).containsPattern("the loss is [0-9.]+ at step \\d+ \\(lr 10\\.0\\), its mean over the last");
        // healthy for 300 steps, then lr 50: the snapshot taken 3 steps into the divergence (step 303) is dropped
        Path b = dir.resolve("b");
        CliRun late = CliRun.run("train", "--data", CliRun.data(), "--hidden", "16", "--lr", "0.1", "--lr-final", "50",
                "--lr-decay-step", "300", "--checkpoint-every", "101", "--steps", "1000", "--quiet", "--out", b.toString());
        assertOneLineError(late, 1, "training diverged", "the last good checkpoint is unchanged: " + b.resolve("checkpoint.safetensors"));
        Checkpoint kept = Checkpoint.read(b.resolve("checkpoint.safetensors"));
        assertThat(kept.step()).isEqualTo(202);
        CliRun e = CliRun.run("eval", b.resolve("checkpoint.safetensors").toString(), "--data", CliRun.data(), "--json");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.json().get("val").asDouble()).isBetween(2.0, 3.3);
    }

    @Test
    void checkpointsHoldingNanInfinityOrABadStdAreRefusedNamingTheTensor(@TempDir Path dir) throws Exception {
        Path good = smallCheckpoint(dir);
        Safetensors.Contents c = Safetensors.read(good);
        Object[][] cases = {{"W1", Float.NaN, "tensor W1 holds NaN at element 3"},
            {"b2", Float.POSITIVE_INFINITY, "tensor b2 holds Infinity at element 3"},
            {"bnstd", -1f, "tensor bnstd holds -1.0 at element 3: a standard deviation must be positive"},
            {"bnstd_running", 0f, "tensor bnstd_running holds 0.0 at element 3"}};
        for (Object[] k : cases) {
            Map<String, Tensor> t = new java.util.LinkedHashMap<>(c.tensors());
            Tensor x = t.get((String) k[0]).copy();
            x.data()[3] = (Float) k[1];
            t.put((String) k[0], x);
            Path bad = dir.resolve(k[0] + ".safetensors");
            Safetensors.write(bad, t, c.metadata());
            assertOneLineError(CliRun.run("eval", bad.toString(), "--data", CliRun.data()), 2, bad + ": " + k[2]);
            assertOneLineError(CliRun.run("sample", bad.toString()), 2, bad + ": " + k[2]);
            assertOneLineError(CliRun.run("train", "--data", CliRun.data(), "--resume", bad.toString(), "--steps", "40",
                    "--out", dir.resolve("resumed").toString()), 2, bad + ": " + k[2]);
        }
        Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
        meta.put("config", "transformer");
        Path unknown = dir.resolve("unknown.safetensors");
        Safetensors.write(unknown, c.tensors(), meta);
        assertOneLineError(CliRun.run("sample", unknown.toString()), 2, unknown + ": bad metadata: unknown config \"transformer\"");
    }

    @Test
    void splitsTooSmallAreNamedBeforeTraining(@TempDir Path dir) throws Exception {
        Path one = Files.writeString(dir.resolve("one.txt"), "anna\n");
        Path two = Files.writeString(dir.resolve("two.txt"), "anna\nbob\n");
        Path six = Files.writeString(dir.resolve("six.txt"), "anna\nbob\ncarl\ndora\nemil\nfrida\n");
        assertOneLineError(CliRun.run("train", "--data", one.toString(), "--out", dir.resolve("r1").toString()), 2,
                one + ": the train split is empty (1 names give train 0, val 0, test 1 names");
        assertOneLineError(CliRun.run("train", "--data", two.toString(), "--out", dir.resolve("r2").toString()), 2,
                two + ": the val split is empty (2 names give train 1, val 0, test 1 names");
        assertThat(dir.resolve("r1")).doesNotExist();
        assertThat(dir.resolve("r2")).doesNotExist();
        CliRun ok = CliRun.run("train", "--data", six.toString(), "--steps", "5", "--quiet", "--samples", "0", "--out",
                dir.resolve("r6").toString());
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @Test
    @Timeout(60)
    void directoriesDevicesAndFifosAreNamedNotMistakenForMissingFiles(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertOneLineError(CliRun.run("data", "--data", dir.toString()), 2, dir + ": a directory, not a file (given by --data)");
        assertOneLineError(CliRun.run("data", "--data", "/dev/null"), 2, "/dev/null: a character device, not a regular file");
        assertOneLineError(CliRun.run("data", "--data", fifo.toString()), 2, fifo + ": a FIFO (named pipe)");
        assertOneLineError(CliRun.run("sample", fifo.toString()), 2, fifo + ": a FIFO (named pipe)");
        assertOneLineError(CliRun.run("eval", dir.toString(), "--data", CliRun.data()), 2, dir + ": a directory, not a file");
    }

    @Test
    void aFailingStdoutIsAnErrorNotASilentSuccess(@TempDir Path dir) throws Exception {
        Path ck = smallCheckpoint(dir);
        // in-process: a writer failing like a full disk
        Writer full = new Writer() {
            @Override
            public void write(char[] b, int off, int len) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void flush() throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void close() {
            }
        };
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"sample", ck.toString(), "-n", "1000"}, new PrintWriter(full), new PrintWriter(err, true));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("ninja: error: cannot write to standard output; the output is incomplete\n");
        // a real process writing to /dev/full
        for (String[] args : new String[][] {{"eval", ck.toString(), "--data", CliRun.data()}, {"sample", ck.toString()}}) {
            ProcessBuilder pb = CliProcess.builder(args).redirectOutput(new File("/dev/full"));
            pb.redirectError(dir.resolve("full.err").toFile());
            assertThat(CliProcess.exit(pb.start())).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("full.err"))).contains(
                    "ninja: error: cannot write to standard output: No space left on device");
        }
    }

    @Test
    @Timeout(90)
    void sampleStopsWhenItsReaderGoesAway(@TempDir Path dir) throws Exception {
        Path ck = smallCheckpoint(dir);
        Process p = CliProcess.builder("sample", ck.toString(), "-n", "100000000")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(r.readLine()).isNotNull();
                assertThat(r.readLine()).isNotNull();
            }                                                   // like `| head -2`: the pipe closes
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("still sampling after its reader left").isTrue();
            assertThat(p.exitValue()).isEqualTo(141);
        } finally {
            p.destroyForcibly();                                // a failed run must not sample on in the background
        }
    }

    @Test
    void withJsonEveryFailureIsOneJsonObjectOnStdout(@TempDir Path dir) throws Exception {
        String[][] cases = {
            {"eval", dir.resolve("missing.safetensors").toString(), "--json"},
            {"sample", "--json", dir.toString()},
            {"train", "--json", "--bogus"},
            {"data", "--json", "--data", dir.toString()},
            {"init", "--json", "--hidden", "0"},
            {"train", "--json", "--data", CliRun.data(), "--lr", "10", "--steps", "50", "--out", dir.resolve("d").toString()},
        };
        int[] codes = {2, 2, 2, 2, 2, 1};
        for (int i = 0; i < cases.length; i++) {
            CliRun r = CliRun.run(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i]) + "\n" + r.err()).isEqualTo(codes[i]);
            assertThat(r.out().lines()).as(r.out()).hasSize(1);
            JsonNode j = r.json();
            assertThat(j.get("exit").asInt()).isEqualTo(codes[i]);
            assertThat(j.get("error").asText()).isNotBlank().doesNotContain("ninja: error");
            assertThat(r.err()).contains("ninja: error: " + j.get("error").asText());
        }
    }
}
