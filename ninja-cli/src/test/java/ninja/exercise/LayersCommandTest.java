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

/** Exercise 5 from the command line: new/solution --layers, grade (in its child JVM) and train, exit codes. */
class LayersCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int ninja(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

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
