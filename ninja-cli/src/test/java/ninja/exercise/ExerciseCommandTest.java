package ninja.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import ninja.cli.Main;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./ninja exercise from the command line: files are never overwritten, errors are one clear line, exit codes. */
class ExerciseCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int ninja(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void newWritesTheExerciseAndNeverOverwritesItWithoutForce() throws Exception {
        Path ex = dir.resolve("ex");
        assertThat(ninja("exercise", "new", ex.toString())).isEqualTo(0);
        Path file = ex.resolve("Backprop.java");
        assertThat(Files.readString(file)).isEqualTo(ExerciseTemplate.exercise()).contains("public class Backprop {")
                .contains("BLANK 2/26: dprobs [n, vocab_size]");
        assertThat(out.toString()).contains("27 blanks");

        Files.writeString(file, "// my work");
        assertThat(ninja("exercise", "new", ex.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("ninja: error: ").contains("already exists").contains("--force");
        assertThat(Files.readString(file)).isEqualTo("// my work");
        try (var files = Files.list(ex)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }

        assertThat(ninja("exercise", "new", ex.toString(), "--force", "--json")).isEqualTo(0);
        assertThat(out.toString()).startsWith("{\"file\":").contains("\"blanks\":27");
        assertThat(Files.readString(file)).isEqualTo(ExerciseTemplate.exercise());
    }

    @Test
    void solutionIsWrittenBesideAndNotOverwritten() throws Exception {
        assertThat(ninja("exercise", "solution", dir.toString())).isEqualTo(0);
        Path file = dir.resolve("BackpropSolution.java");
        assertThat(Files.readString(file)).isEqualTo(ExerciseTemplate.solution()).contains("public class BackpropSolution {")
                .doesNotContain("return null; // not written yet");
        assertThat(ninja("exercise", "solution", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("already exists");
    }

    @Test
    void gradeShowsCompileErrorsWithFileAndLineAndExits2() throws Exception {
        String source = Fixture.solutionWith("Backprop", Map.of("dh", "return Ops.matmulBT(dlogits, a.W3);"));
        Files.writeString(dir.resolve("Backprop.java"), source);
        int line = source.substring(0, source.indexOf("a.W3")).split("\n", -1).length;
        assertThat(ninja("exercise", "grade", dir.toString(), "--data", TestData.namesPath().toString(),
                "--reference", "fd", "--json")).isEqualTo(2);
        assertThat(err.toString()).contains("ninja: error: " + dir.resolve("Backprop.java") + " does not compile (1 error)")
                .contains(dir.resolve("Backprop.java") + ":" + line + ": error: cannot find symbol");
        assertThat(out.toString()).contains("\"compiled\":false").contains("\"line\":" + line);
    }

    @Test
    void gradeRejectsAMissingExerciseAndAnUnknownReference() throws Exception {
        assertThat(ninja("exercise", "grade", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no Backprop.java in " + dir).contains("ninja exercise new");
        Files.writeString(dir.resolve("Backprop.java"), ExerciseTemplate.exercise());
        assertThat(ninja("exercise", "grade", dir.toString(), "--reference", "nope")).isEqualTo(2);
        assertThat(err.toString()).contains("no reference named 'nope' (choose torch or fd)");
        assertThat(ninja("exercise", "grade", dir.toString(), "--timeout", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--timeout");
        assertThat(ninja("exercise")).isEqualTo(2);
    }

    /** Learner code that ends the JVM runs in a child JVM: the grade says so and fails, never a silent exit 0. */
    @Test
    void codeThatEndsTheJvmIsReportedAndFails() throws Exception {
        String[] small = {"--hidden", "8", "--batch", "4", "--reference", "fd", "--data", TestData.namesPath().toString()};
        Files.writeString(dir.resolve("Backprop.java"), Fixture.solutionWith("Backprop",
                Map.of("dlogprobs", "System.exit(0);\nreturn null;")));
        assertThat(ninja(grade(small))).isEqualTo(Main.CHECK_FAILED);
        assertThat(err.toString()).contains("your code ended the grading while running dlogprobs")
                .contains("System.exit or Runtime.halt");

        Files.writeString(dir.resolve("Backprop.java"), Fixture.solutionWith("Backprop",
                Map.of("dlogprobs", "Runtime.getRuntime().halt(0);\nreturn null;")));
        assertThat(ninja(grade(small, "--json"))).isEqualTo(Main.CHECK_FAILED);
        assertThat(out.toString()).startsWith("{").contains("\"error\":\"your code ended the grading")
                .contains("\"exit\":1");
    }

    private String[] grade(String[] options, String... more) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("exercise", "grade", dir.toString()));
        a.addAll(java.util.List.of(options));
        a.addAll(java.util.List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aGradeExitsZeroOnlyWhenEveryRowIsDone() throws Exception {
        Files.writeString(dir.resolve("Backprop.java"), Fixture.solutionWith("Backprop",
                Map.of("dlogit_maxes", "return zeros_like(a.logit_maxes);")));
        assertThat(ninja(grade(new String[] {"--hidden", "8", "--batch", "8", "--data",
                TestData.namesPath().toString()}))).isEqualTo(Main.CHECK_FAILED);
        assertThat(out.toString()).contains("logit_maxes     | right here only").contains("27 of 28 done");
    }

    // ---- Exercise 5: new/solution --layers, grade (in its child JVM) and train ----

    private final String data = TestData.namesPath().toString();

    @Test
    void theUntouchedFileFailsEveryLayerNotWrittenAndTheSolutionPassesWithFd() throws Exception {
        assertThat(ninja("exercise", "new", dir.toString(), "--layers")).isEqualTo(Main.OK);
        Path file = dir.resolve("Layers.java");
        assertThat(out.toString()).contains("wrote " + file).contains("linearBackward");
        assertThat(ninja("exercise", "new", dir.toString(), "--layers")).isEqualTo(Main.BAD_INPUT); // never overwrites

        assertThat(ninja("exercise", "grade", file.toString(), "--reference", "fd", "--data", data))
                .isEqualTo(Main.CHECK_FAILED);
        assertThat(out.toString()).contains("0 of 19 done, 0 wrong, 0 right here only, 19 not written yet");
        assertThat(out.toString().lines().filter(l -> l.contains("| not written yet |")).count()).isEqualTo(19);

        assertThat(ninja("exercise", "solution", dir.toString(), "--layers")).isEqualTo(Main.OK);
        Path solution = dir.resolve("LayersSolution.java");
        assertThat(ninja("exercise", "grade", solution.toString(), "--reference", "fd", "--data", data,
                "--only", "linear_3d,embedding")).isEqualTo(Main.OK);
        assertThat(out.toString()).contains("linear_3d dweight").contains("3 of 3 done").contains("reference: fd");
    }

    @Test
    void codeThatEndsTheJvmIsReportedForGradeAndTrain() throws Exception {
        Path file = dir.resolve("Layers.java");
        Files.writeString(file, ExerciseTemplate.renderLayers("Layers", true,
                Map.of("tanhBackward", "System.exit(0);\nreturn null;")));
        assertThat(ninja("exercise", "grade", file.toString(), "--reference", "fd", "--data", data,
                "--only", "tanh_2d")).isEqualTo(Main.CHECK_FAILED);
        assertThat(err.toString()).contains("your code ended the grading while running tanhBackward");
        assertThat(ninja("exercise", "train", file.toString(), "--steps", "2", "--data", data))
                .isEqualTo(Main.CHECK_FAILED);
        assertThat(err.toString()).contains("your code ended the training while running a training step");
    }

    @Test
    void trainReportsTheValLossOfTheLearnersBackward() throws Exception {
        Path file = dir.resolve("LayersSolution.java");
        Files.writeString(file, ExerciseTemplate.layersSolution());
        assertThat(ninja("exercise", "train", file.toString(), "--steps", "40", "--eval-every", "20", "--data", data))
                .as(err.toString()).isEqualTo(Main.OK);
        assertThat(out.toString()).contains("      0/     40: 3.3167").contains("     20/     40: val ")
                .containsPattern("\nval         [0-9]\\.[0-9]{4}\n");
        assertThat(ninja("exercise", "grade", file.toString(), "--watch")).isEqualTo(Main.BAD_INPUT);
        assertThat(err.toString()).contains("--watch grades Exercises 1-3");
    }
}
