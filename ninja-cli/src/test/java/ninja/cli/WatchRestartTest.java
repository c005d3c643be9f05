package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --watch: learner code that ends its JVM ends the watching child only; the watch says so and goes on. */
class WatchRestartTest {
    @TempDir
    Path dir;

    @Test
    void systemExitInAStepDoesNotEndTheWatch() throws Exception {
        Path file = dir.resolve("Backprop.java");
        Files.writeString(file, ExerciseWatchTest.withDprobs("System.exit(0);\nreturn null;"));
        StringWriter out = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread watch = new Thread(() -> code.set(Main.run(ExerciseWatchTest.args("exercise", "grade", dir.toString(),
                "--watch", "--reference", "fd", "--hidden", "8"), new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true))));
        watch.start();
        try {
            ExerciseWatchTest.awaitCount(out, "waiting for the next save", 1);
            assertThat(out.toString()).contains("your code ended the grading while running dprobs")
                    .contains("watching again: the next save is graded");

            ExerciseWatchTest.save(file, ExerciseWatchTest.withDprobs("return Ops.mul(Ops.pow(a.probs, -1), dlogprobs);"));
            ExerciseWatchTest.awaitCount(out, " done, ", 1);
            assertThat(out.toString()).contains("probs           | done").contains("2 of 28 done");

            ExerciseWatchTest.save(file, ExerciseWatchTest.withDprobs("Runtime.getRuntime().halt(1);\nreturn null;"));
            ExerciseWatchTest.awaitCount(out, "waiting for the next save", 2);
            assertThat(ExerciseWatchTest.count(out.toString(), "your code ended the grading while running dprobs"))
                    .isEqualTo(2);
        } finally {
            watch.interrupt();
            watch.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(code.get()).isEqualTo(Main.INTERRUPTED);
    }
}
