package ninja.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.exercise.ExerciseFiles;
import ninja.exercise.ExerciseTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "solution", mixinStandardHelpOptions = true,
        description = "Write the reference solution beside the exercise: DIR/BackpropSolution.java "
                + "(--layers: DIR/LayersSolution.java).")
final class ExerciseSolution implements Callable<Integer> {
    @Mixin
    ExerciseTarget target;

    @Mixin
    Output output;

    @Override
    public Integer call() {
        Path file = target.layers
                ? target.write(ExerciseFiles.layersSolutionFile(target.dir), ExerciseTemplate.layersSolution())
                : target.write(ExerciseFiles.solutionFile(target.dir), ExerciseTemplate.solution());
        PrintWriter out = output.out();
        if (output.json) {
            Json.print(out, Map.of("file", file.toString()));
        } else {
            out.printf("wrote %s (grade it: ./ninja exercise grade %s)%n", file, file);
        }
        return Main.OK;
    }
}
