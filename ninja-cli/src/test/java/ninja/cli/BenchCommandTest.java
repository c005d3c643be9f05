package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ./ninja bench: a tiny run prints the documented JSON, --layers each layer's times; a bad option is a one-line error, exit 2. */
class BenchCommandTest {
    static int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void jsonHasTheDocumentedKeys() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, "bench", "--data", TestData.namesPath().toString(), "--no-torch", "--hidden", "16",
                "--steps", "40", "--rounds", "1", "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode j = Json.MAPPER.readTree(out.toString());
        for (String loop : new String[] {"ninja", "ninja_atomic"}) {
            JsonNode l = j.get("loops").get(loop);
            assertThat(l.get("rounds_per_s").size()).as(loop).isEqualTo(1);
            assertThat(l.get("best").asDouble()).as(loop).isPositive();
            assertThat(l.get("median").asDouble()).as(loop).isBetween(l.get("worst").asDouble(), l.get("best").asDouble());
            assertThat(l.get("spread").asDouble()).as(loop).isNotNegative();
        }
        // a small MLP's default: one thread, beside the same step on two (its units cut between them) where there are two
        int cores = Math.min(2, Runtime.getRuntime().availableProcessors());
        assertThat(j.get("loops").get("ninja").get("threads").asInt()).isEqualTo(1);
        assertThat(j.get("loops").has("ninja_2_threads")).isEqualTo(cores == 2);
        assertThat(j.get("loops").has("ninja_1_thread")).isFalse();
        if (cores == 2) {
            assertThat(j.get("loops").get("ninja_2_threads").get("threads").asInt()).isEqualTo(2);
        }
        assertThat(j.get("alloc_bytes_per_step").isNumber()).isTrue();
        assertThat(j.get("eval").get("seconds").asDouble()).isPositive();
        assertThat(j.get("config").get("n_hidden").asInt()).isEqualTo(16);
        assertThat(j.get("machine").get("jvm_flags").isArray()).isTrue();
        // the cores measured after the rounds: a matmul's GFLOP/s, and two at once against one after the other
        assertThat(j.get("cores").get("core_gflops").asDouble()).isPositive();
        assertThat(j.get("cores").get("two_core_scaling").asDouble()).isPositive().isLessThan(3);
        assertThat(j.get("loops").has("torch_manual")).isFalse();
        assertThat(j.get("ratio").isNull()).isTrue();
    }

    @Test
    void layersProfileEveryLayerOfTheModelInOrder() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, "bench", "--layers", "--data", TestData.namesPath().toString(), "--hidden", "16",
                "--steps", "30", "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode j = Json.MAPPER.readTree(out.toString());
        assertThat(j.get("steps").asInt()).isEqualTo(30);
        assertThat(j.get("machine").get("jvm_flags").isArray()).isTrue();
        assertThat(j.get("warm_steps").asInt()).isGreaterThanOrEqualTo(1000);
        JsonNode rows = j.get("layers");
        String[] want = {"Embedding(27, 10)", "FlattenConsecutive(3)", "Linear(30, 16)", "BatchNorm(16, the notebook's)",
            "Tanh()", "Linear(16, 27)"};
        assertThat(rows.size()).isEqualTo(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat(rows.get(i).get("layer").asText()).isEqualTo(want[i]);
            assertThat(rows.get(i).get("backward_us").asDouble()).as(want[i]).isNotNegative();
        }
        assertThat(rows.get(2).get("forward_us").asDouble()).as("a matmul takes time").isPositive();
        assertThat(j.get("loss_us").asDouble()).isPositive();
        assertThat(j.get("step_us").asDouble()).isGreaterThan(rows.get(2).get("forward_us").asDouble());
    }

    @Test
    void layersTableNamesTheWaveNetsLayersAndTheStep() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, "bench", "--layers", "--data", TestData.namesPath().toString(), "--config", "wavenet",
                "--embd", "6", "--hidden", "10", "--block", "4", "--steps", "20", "--threads", "1");
        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).contains("1 thread, 20 steps timed after").contains("\nmachine: ")
                .contains("Linear(12, 10, bias=False)")
                .contains("BatchNorm1d(10)").contains("Linear(20, 10, bias=False)").contains("Linear(10, 27)")
                .contains("cross-entropy (fused)").containsPattern("\nstep +[0-9.]+ +\\([0-9,]+ steps/s\\)");
    }

    /** Each bad combination: exit 2, one line on stderr naming it, nothing on stdout. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--torch fast | ninja: error: --torch must be manual, autograd or both",
        "--layers --scaling | ninja: error: --layers profiles one model; leave out --scaling",
        "--layers --torch manual | ninja: error: --torch picks the libtorch loops to time, and --layers (a profile of the layers) times none",
        "--no-torch --torch autograd | ninja: error: --torch picks the libtorch loops to time, and --no-torch times none",
        "--out x.png | ninja: error: --out names the --scaling chart: add --scaling or leave out --out"})
    void badOptionsAreUserErrors(String args, String message) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] a = ("bench " + args).split(" ");
        int code = run(out, err, a);
        assertThat(code).isEqualTo(Main.BAD_INPUT);
        assertThat(err.toString()).startsWith(message);
        assertThat(out.toString()).isEmpty();
    }
}
