package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoundationCommandsTest {

    @Test
    void initPrintsTheNotebooksLossAndParameterCount() {
        CliRun r = CliRun.run("init", "--config", "notebook", "--json", "--data", CliRun.data());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(String.format("%.4f", j.get("loss").asDouble())).isEqualTo("3.8279");
        assertThat(j.get("parameters").asInt()).isEqualTo(12297);
        assertThat(j.get("config").get("n_hidden").asInt()).isEqualTo(200);
    }

    @Test
    void dataPrintsSplitSizes() {
        CliRun r = CliRun.run("data", "--json", "--data", CliRun.data());
        assertThat(r.code()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("words").asInt()).isEqualTo(32033);
        assertThat(j.get("vocabulary").asText()).isEqualTo(".abcdefghijklmnopqrstuvwxyz");
        assertThat(j.get("train").asInt()).isEqualTo(182625);
        assertThat(j.get("val").asInt()).isEqualTo(22655);
        assertThat(j.get("test").asInt()).isEqualTo(22866);
    }

    @Test
    void badInputExitsTwoWithOneLine(@TempDir Path dir) throws Exception {
        String[][] cases = {
            {"init", "--batch", "1"},
            {"init", "--block", "0"},
            {"init", "--hidden", "0"},
            {"init", "--config", "nope"},
            {"init", "--batch", "x"},
            {"init", "--no-such-flag"},
            {"data", "--data", dir.resolve("missing.txt").toString()},
        };
        for (String[] c : cases) {
            String[] args = c[0].equals("data") ? c : append(c, "--data", CliRun.data());
            CliRun r = CliRun.run(args);
            assertThat(r.code()).as(String.join(" ", args) + " -> " + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("ninja: error: ");
        }
        Path dotted = Files.writeString(dir.resolve("bad.txt"), "emma\nol.ivia\n");
        CliRun r = CliRun.run("data", "--data", dotted.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.txt:2:3");
    }

    private static String[] append(String[] a, String... more) {
        String[] out = new String[a.length + more.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }
}
