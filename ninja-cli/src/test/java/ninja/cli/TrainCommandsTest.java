package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ninja.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandsTest {
    /** A small, quick model on the real data. */
    static final String[] SMALL = {"--hidden", "16", "--quiet", "--eval-every", "100", "--samples", "5"};

    static CliRun train(Path dir, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--data", CliRun.data(), "--out", dir.toString()));
        a.addAll(List.of(SMALL));
        a.addAll(List.of(more));
        return CliRun.run(a.toArray(String[]::new));
    }

    @Test
    void trainEvalSampleRoundTrip(@TempDir Path dir) throws Exception {
        CliRun r = train(dir, "--steps", "300", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("steps").asInt()).isEqualTo(300);
        assertThat(j.get("train").asDouble()).isBetween(1.5, 3.3);
        assertThat(j.get("names")).hasSize(5);
        Path ck = Path.of(j.get("checkpoint").asText());
        assertThat(ck).isEqualTo(dir.resolve("checkpoint.safetensors"));
        assertThat(dir.resolve("loss.png")).isNotEmptyFile();
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertThat(csv).hasSize(301);
        assertThat(csv.get(0)).isEqualTo("step,lr,loss,val_loss");
        assertThat(csv.get(100)).matches("99,0\\.1,[0-9.]+,[0-9.]+");

        CliRun e = CliRun.run("eval", ck.toString(), "--data", CliRun.data(), "--json");
        assertThat(e.code()).as(e.err()).isZero();
        // eval computes the same calibrated losses train printed
        assertThat(e.json().get("train").asDouble()).isEqualTo(j.get("train").asDouble());
        assertThat(e.json().get("val").asDouble()).isEqualTo(j.get("val").asDouble());
        assertThat(e.json().get("test").asDouble()).isBetween(1.5, 3.3);

        CliRun s = CliRun.run("sample", ck.toString(), "-n", "5", "--json");
        assertThat(s.code()).isZero();
        assertThat(s.json().get("names")).isEqualTo(j.get("names"));
        CliRun plain = CliRun.run("sample", ck.toString(), "-n", "5", "--seed", "1");
        assertThat(plain.out().lines()).hasSize(5).allMatch(n -> n.matches("[a-z]*"));
    }

    @Test
    void resumingThroughTheCliEndsWhereAStraightRunEnds(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertThat(train(a, "--steps", "400").code()).isZero();
        assertThat(train(b, "--steps", "200").code()).isZero();
        Path ckB = b.resolve("checkpoint.safetensors");
        CliRun r = train(b, "--steps", "400", "--resume", ckB.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(java.util.Arrays.equals(Files.readAllBytes(ckB), Files.readAllBytes(a.resolve("checkpoint.safetensors"))))
                .isTrue();
        assertThat(Files.readAllLines(b.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(a.resolve("metrics.csv")));
        // --steps is the total: resuming a 400-step checkpoint with --steps 400 is an error, nothing changes
        byte[] before = Files.readAllBytes(ckB);
        CliRun again = train(b, "--steps", "400", "--resume", ckB.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("at step 400");
        assertThat(java.util.Arrays.equals(Files.readAllBytes(ckB), before)).isTrue();
    }

    @Test
    void aDivergingRunStopsWithExitOneAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        assertThat(train(dir, "--steps", "50").code()).isZero();
        Path ck = dir.resolve("checkpoint.safetensors");
        byte[] before = Files.readAllBytes(ck);
        CliRun r = train(dir, "--steps", "500", "--resume", ck.toString(), "--lr", "1e30", "--checkpoint-every", "400");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).containsPattern("the loss is \\S+ at step \\d+|the batch statistics overflowed at step \\d+")
                .contains("last good checkpoint is unchanged");
        assertThat(java.util.Arrays.equals(Files.readAllBytes(ck), before)).isTrue();
        assertThat(r.err()).contains("at step 5");                    // it diverges within a few steps of step 50
    }

    @Test
    void badCheckpointsAndFlagsExitTwoNamingTheFile(@TempDir Path dir) throws Exception {
        assertThat(train(dir.resolve("run"), "--steps", "20").code()).isZero();
        Path ck = dir.resolve("run/checkpoint.safetensors");
        byte[] good = Files.readAllBytes(ck);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
        Path corrupt = dir.resolve("corrupt.safetensors");
        byte[] c = good.clone();
        c[12] = '}';
        Files.write(corrupt, c);
        Path foreign = dir.resolve("foreign.safetensors");
        Safetensors.write(foreign, java.util.Map.of("w", ninja.tensor.Tensor.zeros(2)), java.util.Map.of());
        Path otherData = dir.resolve("names.txt");
        Files.writeString(otherData, "anna\nbob\n");
        String[][] cases = {
            {"eval", truncated.toString(), "--data", CliRun.data()},
            {"eval", corrupt.toString(), "--data", CliRun.data()},
            {"sample", foreign.toString()},
            {"sample", dir.resolve("missing.safetensors").toString()},
            {"eval", ck.toString(), "--data", otherData.toString()},
            {"eval", ck.toString(), "--data", CliRun.data(), "--block", "4"},
            {"train", "--data", CliRun.data(), "--resume", ck.toString(), "--hidden", "17", "--out", dir.resolve("x").toString()},
            {"train", "--data", CliRun.data(), "--out", dir.resolve("run").toString(), "--steps", "5"},
            {"train", "--data", CliRun.data(), "--steps", "0"},
            {"train", "--data", CliRun.data(), "--lr", "-1", "--out", dir.resolve("y").toString()},
            {"sample", ck.toString(), "-n", "-1"},
        };
        String[] expect = {"truncated", "corrupt safetensors header", "not a backprop-ninja checkpoint", "no such file",
            "vocabulary mismatch", "block 3 but --block 4", "hidden 16 but --hidden 17", "already holds a run",
            "--steps", "learning rates must be positive", "-n"};
        for (int i = 0; i < cases.length; i++) {
            CliRun r = CliRun.run(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i]) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).startsWith("ninja: error: ").contains(expect[i]);
        }
        assertThat(java.util.Arrays.equals(Files.readAllBytes(ck), good)).isTrue();
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void ctrlCWritesACheckpointAndExits130(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), "ninja.cli.Main", "train", "--data", CliRun.data(), "--hidden",
                "16", "--steps", "100000000", "--out", dir.toString(), "--eval-every", "0");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int steps = 0;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                // the second progress line means the loop is running
                if (line.matches("\\s+\\d+/\\d+: .*") && ++steps == 2) {
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out.toString()).isEqualTo(130);
        assertThat(out).contains("resume with: ninja train --resume " + dir.resolve("checkpoint.safetensors"));
        assertThat(dir.resolve("checkpoint.safetensors")).isNotEmptyFile();
        CliRun s = CliRun.run("sample", dir.resolve("checkpoint.safetensors").toString(), "-n", "2");
        assertThat(s.code()).isZero();
        assertThat(new File(dir.toFile(), "metrics.csv")).isNotEmpty();
    }

    @Test
    void theTrainingPathNeverLoadsDjl(@TempDir Path dir) {
        assertThat(train(dir, "--steps", "10").code()).isZero();
        CliRun.run("eval", dir.resolve("checkpoint.safetensors").toString(), "--data", CliRun.data());
        CliRun.run("sample", dir.resolve("checkpoint.safetensors").toString());
        // only meaningful when no other test in this JVM touched DJL; ninja-cli's tests do not
        assertThat(isLoaded("ai.djl.engine.Engine")).isFalse();
    }

    private static boolean isLoaded(String name) {
        try {
            var m = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
            m.setAccessible(true);
            return m.invoke(TrainCommandsTest.class.getClassLoader(), name) != null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
