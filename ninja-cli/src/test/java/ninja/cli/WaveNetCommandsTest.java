package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config wavenet} through the command line. */
class WaveNetCommandsTest {
    /** Small sizes for speed: two levels, 3-D and 2-D batchnorm. */
    static final String[] SMALL = {"--config", "wavenet", "--embd", "6", "--hidden", "10", "--block", "4"};

    static String[] args(String[] head, String... tail) {
        String[] a = new String[head.length + tail.length];
        System.arraycopy(head, 0, a, 0, head.length);
        System.arraycopy(tail, 0, a, head.length, tail.length);
        return a;
    }

    @Test
    void initPrintsTheNotebooksParameterCountAndStepZeroLoss() {
        CliRun r = CliRun.run("init", "--config", "wavenet", "--json", "--data", CliRun.data());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("parameters").asInt()).isEqualTo(76_579);
        assertThat(String.format("%.4f", j.get("loss").asDouble())).isEqualTo("3.3167");
        assertThat(j.get("config").get("block_size").asInt()).isEqualTo(8);
    }

    @Test
    void dataUsesTheWaveNetsBlockSize() {
        CliRun r = CliRun.run("data", "--config", "wavenet", "--json", "--data", CliRun.data());
        assertThat(r.code()).isZero();
        assertThat(r.json().get("block_size").asInt()).isEqualTo(8);
        assertThat(r.json().get("train").asInt()).isEqualTo(182_625);
    }

    @Test
    void checkAgainstFiniteDifferencesPassesAndNamesEveryLayer() {
        CliRun r = CliRun.run(args(new String[] {"check"}, args(SMALL, "--reference", "fd", "--fd-samples", "8", "--batch",
                "4", "--json", "--data", CliRun.data())));
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        JsonNode rows = r.json().get("rows");
        assertThat(rows.size()).isEqualTo(10 + 9);   // 10 layer outputs; 9 parameters: 4 weights, 1 bias, 2 x (gamma, beta)
        assertThat(rows.get(0).get("name").asText()).isEqualTo("layers.9.out");
        assertThat(r.json().get("ok").asBoolean()).isTrue();
    }

    @Test
    void aBlockThatIsNotAPowerOfTwoIsAOneLineError() {
        CliRun r = CliRun.run("init", "--config", "wavenet", "--block", "6", "--data", CliRun.data());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("ninja: error: ").contains("power of two");
    }

    @Test
    void trainResumeEvalAndSample(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight");
        CliRun a = CliRun.run(args(new String[] {"train"}, args(SMALL, "--steps", "300", "--eval-every", "0",
                "--samples", "3", "--quiet", "--json", "--out", straight.toString(), "--data", CliRun.data())));
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.json().get("names").size()).isEqualTo(3);
        assertThat(a.json().get("val").asDouble()).isLessThan(3.0);

        Path split = dir.resolve("split");
        CliRun b1 = CliRun.run(args(new String[] {"train"}, args(SMALL, "--steps", "120", "--eval-every", "0",
                "--samples", "0", "--quiet", "--out", split.toString(), "--data", CliRun.data())));
        assertThat(b1.code()).as(b1.err()).isZero();
        Path ck = split.resolve(TrainCommand.CHECKPOINT);
        CliRun b2 = CliRun.run("train", "--resume", ck.toString(), "--steps", "300", "--eval-every", "0",
                "--samples", "3", "--quiet", "--json", "--out", split.toString(), "--data", CliRun.data());
        assertThat(b2.code()).as(b2.err()).isZero();
        assertThat(Files.readAllBytes(ck)).isEqualTo(Files.readAllBytes(straight.resolve(TrainCommand.CHECKPOINT)));
        assertThat(b2.json().get("names")).isEqualTo(a.json().get("names"));

        CliRun e = CliRun.run("eval", ck.toString(), "--json", "--data", CliRun.data());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.json().get("val").asDouble()).isEqualTo(a.json().get("val").asDouble());
        // sampling from the checkpoint continues its generator: the names training printed
        CliRun s = CliRun.run("sample", ck.toString(), "-n", "3", "--json");
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(s.json().get("names")).isEqualTo(a.json().get("names"));
        CliRun wrong = CliRun.run("eval", ck.toString(), "--hidden", "11", "--data", CliRun.data());
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("hidden 10");
    }

    @Test
    void benchComparesWithLibtorchAutograd() {
        CliRun r = CliRun.run(args(new String[] {"bench"}, args(SMALL, "--steps", "120", "--rounds", "1", "--torch",
                "autograd", "--json", "--data", CliRun.data())));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("loops").get("ninja").get("best").asDouble()).isPositive();
        assertThat(j.get("loops").get("torch_autograd").get("median").asDouble()).isPositive();
        assertThat(j.get("baseline").asText()).isEqualTo("torch_autograd");
        assertThat(j.get("ratio").asDouble()).isPositive();
        // measured, not asserted zero here: in a test JVM shared with other tests the JIT may leave a Vector API
        // kernel uncompiled, and then it boxes; ./ninja bench reports 0 in its own process
        assertThat(j.get("alloc_bytes_per_step").asLong()).isNotNegative();
        assertThat(j.get("flops_per_step").asDouble()).isPositive();
    }
}
