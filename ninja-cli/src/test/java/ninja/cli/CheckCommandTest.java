package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("check", "--hidden", "16",
                "--batch", "8", "--data", TestData.namesPath().toString()));
        if (!java.util.List.of(extra).contains("--reference")) {
            args.addAll(java.util.List.of("--reference", "fd"));
        }
        args.addAll(java.util.List.of(extra));
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void jsonHasOneRowPerGradientWithTheAgreedKeys() throws Exception {
        Run r = run("--json");
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("rows")).hasSize(30);
        for (JsonNode row : j.get("rows")) {
            assertThat(row.has("name") && row.has("exact") && row.has("approximate") && row.has("maxdiff")
                    && row.has("relerr") && row.has("verdict") && row.has("reference")).isTrue();
            assertThat(row.get("reference").asText()).isEqualTo("fd");
        }
        assertThat(j.get("rows").get(0).get("name").asText()).isEqualTo("logprobs");
        // exit code and "ok" agree with the rows' verdicts
        boolean allPass = true;
        for (JsonNode row : j.get("rows")) {
            allPass &= !row.get("verdict").asText().equals("WRONG");
            assertThat(row.get("verdict").asText()).isIn("ok", "rounding", "WRONG");
        }
        assertThat(j.get("ok").asBoolean()).isEqualTo(allPass);
        assertThat(r.code()).isEqualTo(allPass ? Main.OK : Main.CHECK_FAILED);
    }

    /** The shapes where allclose failed correct gradients: rounding noise is told apart, the check exits 0. */
    @Test
    void roundingNoiseAtTinyShapesIsNotAFailure() {
        for (String[] shape : new String[][] {{"--hidden", "7", "--batch", "5", "--block", "4"}, {"--batch", "2"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("check", "--data",
                    TestData.namesPath().toString(), "--reference", "fd"));
            args.addAll(java.util.List.of(shape));
            StringWriter out = new StringWriter(), err = new StringWriter();
            int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).as(out.toString()).isEqualTo(Main.OK);
            assertThat(out.toString()).contains("| rounding").contains("approximate: false")
                    .contains("ok: every gradient equals the reference up to float32 rounding");
        }
    }

    @Test
    void textPrintsTheTableAndAVerdictMatchingTheExitCode(@TempDir Path dir) {
        Run r = run("--plot", dir.toString());
        assertThat(r.out()).contains("logprobs        | exact:").contains("hprebn (fused)").contains("summary");
        if (r.code() == Main.OK) {
            assertThat(r.out()).contains("ok: every gradient");
        } else {
            assertThat(r.code()).isEqualTo(Main.CHECK_FAILED);
            assertThat(r.out()).contains("FAILED:");
        }
        assertThat(Files.isRegularFile(dir.resolve("dlogits.png"))).isTrue();
    }

    @Test
    void localModeRuns() {
        Run r = run("--local", "--json");
        assertThat(r.code()).isIn(Main.OK, Main.CHECK_FAILED);
        assertThat(r.out()).contains("\"local\":true");
    }

    @Test
    void badOptionsExitTwo() {
        assertThat(run("--fd-samples", "-1").code()).isEqualTo(Main.BAD_INPUT);
        Run bad = run("--reference", "nope");
        assertThat(bad.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("--reference");
    }

    /** libtorch that cannot start is its own exit code, with the way out; run as a user would, in a fresh JVM. */
    @Test
    void aReferenceThatCannotStartExitsThreeAndSuggestsFd() throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-javaagent") && !a.startsWith("-agentlib")).toList());
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), "ninja.cli.Main", "check",
                "--batch", "4", "--data", TestData.namesPath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PYTORCH_VERSION", "0.0.1"); // offline, and no such libtorch in the cache
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isEqualTo(Main.REFERENCE_UNAVAILABLE);
        assertThat(output).contains("ninja: error: the torch reference cannot start").contains("use --reference fd");
    }
}
