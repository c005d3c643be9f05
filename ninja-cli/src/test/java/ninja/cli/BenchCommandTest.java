package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;

/** ./ninja bench: a tiny run prints the documented JSON; a bad option is a one-line error, exit 2. */
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
        assertThat(j.get("loops").get("ninja").get("threads").asInt()).isEqualTo(1);   // a small model: one thread
        assertThat(j.get("alloc_bytes_per_step").isNumber()).isTrue();
        assertThat(j.get("eval").get("seconds").asDouble()).isPositive();
        assertThat(j.get("config").get("n_hidden").asInt()).isEqualTo(16);
        assertThat(j.get("machine").get("jvm_flags").isArray()).isTrue();
        assertThat(j.get("loops").has("torch_manual")).isFalse();
        assertThat(j.get("ratio").isNull()).isTrue();
    }

    @Test
    void badTorchModeIsAUserError() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, "bench", "--torch", "fast");
        assertThat(code).isEqualTo(Main.BAD_INPUT);
        assertThat(err.toString()).startsWith("ninja: error: --torch must be manual, autograd or both");
        assertThat(out.toString()).isEmpty();
    }
}
