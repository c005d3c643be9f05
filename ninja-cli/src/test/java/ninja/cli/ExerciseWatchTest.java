package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import ninja.exercise.ExerciseTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exercise grade --only grades the named rows alone; --watch grades again on every save and stops with 130. */
class ExerciseWatchTest {
    @TempDir
    Path dir;

    static final String[] FAST = {"--batch", "8", "--data", CliRun.data()};

    static String[] args(String... first) {
        String[] a = new String[first.length + FAST.length];
        System.arraycopy(first, 0, a, 0, first.length);
        System.arraycopy(FAST, 0, a, first.length, FAST.length);
        return a;
    }

    static String withDprobs(String body) {
        return ExerciseTemplate.render("Backprop", false, Map.of("dprobs", body));
    }

    @Test
    void onlyGradesTheNamedRows() throws Exception {
        Files.writeString(dir.resolve("Backprop.java"), withDprobs("return Ops.mul(Ops.pow(a.probs, -1), dlogprobs);"));
        CliRun r = CliRun.run(args("exercise", "grade", dir.toString(), "--only", "probs,dlogits_fast", "--json"));
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        JsonNode j = r.json();
        assertThat(j.get("total").asInt()).isEqualTo(2);
        assertThat(j.get("rows").get(0).get("name").asText()).isEqualTo("probs");
        assertThat(j.get("rows").get(0).get("status").asText()).isEqualTo("done");
        assertThat(j.get("rows").get(1).get("name").asText()).isEqualTo("logits (fast)");
        assertThat(j.get("rows").get(1).get("status").asText()).isEqualTo("not written yet");
        CliRun one = CliRun.run(args("exercise", "grade", dir.toString(), "--only", "probs"));
        assertThat(one.code()).isZero();
        assertThat(one.out()).contains("1 of 1 done");
    }

    @Test
    void anUnknownRowIsOneLineListingTheRows() throws Exception {
        Files.writeString(dir.resolve("Backprop.java"), ExerciseTemplate.exercise());
        CliRun r = CliRun.run("exercise", "grade", dir.toString(), "--only", "probs,prob");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("ninja: error: --only: no row named 'prob'; the rows are logprobs, probs,")
                .contains("hprebn (fast)");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void watchGradesEachSaveAndStopsWith130() throws Exception {
        Path file = dir.resolve("Backprop.java");
        Files.writeString(file, ExerciseTemplate.exercise());
        StringWriter out = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread watch = new Thread(() -> code.set(Main.run(args("exercise", "grade", dir.toString(), "--watch"),
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))));
        watch.start();
        try {
            awaitCount(out, " done, ", 1);
            assertThat(out.toString()).contains("watching " + file).contains("probs           | not written yet");

            save(file, withDprobs("return Ops.mul(Ops.pow(a.probs, -1), dlogprobs) // no semicolon"));
            awaitCount(out, "error: ';' expected", 1);
            assertThat(out.toString()).contains("does not compile (1 error); fix it and save again").contains(file + ":");

            save(file, withDprobs("return Ops.mul(Ops.pow(a.probs, -1), dlogprobs);"));
            awaitCount(out, " done, ", 2);
            String second = out.toString().substring(out.toString().indexOf("fix it and save again"));
            assertThat(second).contains("changed since the last grade")
                    .contains("probs           | done            |").contains("(was: not written yet)")
                    .contains("2 of 28 done, 0 wrong, 0 right here only, 26 not written yet")
                    .doesNotContain("counts_sum_inv  |"); // unchanged rows are not repeated
        } finally {
            watch.interrupt();
            watch.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(code.get()).isEqualTo(Main.INTERRUPTED);
        assertThat(out.toString()).endsWith("stopped watching " + file + System.lineSeparator());
    }

    /** Writes the file as editors do: a temporary file renamed over it. */
    static void save(Path file, String text) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".swp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static void awaitCount(StringWriter out, String what, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (count(out.toString(), what) < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + n + " x '" + what + "' within 2 minutes in:\n" + out);
            }
            Thread.sleep(20);
        }
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
