package ninja.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.exercise.ExerciseFiles;
import ninja.exercise.ExerciseTemplate;
import ninja.exercise.LayerGrader;
import ninja.exercise.Steps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Write DIR/Backprop.java: the forward pass written, one blank per gradient.")
final class ExerciseNew implements Callable<Integer> {
    @Mixin
    ExerciseTarget target;

    @Mixin
    Output output;

    @Override
    public Integer call() {
        PrintWriter out = output.out();
        if (target.layers) {
            Path file = target.write(ExerciseFiles.layersFile(target.dir), ExerciseTemplate.layers());
            if (output.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", file.toString());
                m.put("blanks", LayerGrader.METHODS.size());
                m.put("methods", LayerGrader.METHODS);
                Json.print(out, m);
            } else {
                out.printf("wrote %s: %d blanks, the backward of each layer (%s)%n", file,
                        LayerGrader.METHODS.size(), String.join(", ", LayerGrader.METHODS));
                out.printf("fill them in, then: ./ninja exercise grade %s, and ./ninja exercise train %s%n", file,
                        file);
            }
            return Main.OK;
        }
        Path file = target.write(ExerciseFiles.exerciseFile(target.dir), ExerciseTemplate.exercise());
        int blanks = Steps.ALL.size() - 1;
        if (output.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.put("blanks", blanks);
            m.put("methods", Steps.ALL.stream().map(s -> s.signature()).toList());
            Json.print(out, m);
        } else {
            out.printf("wrote %s: %d blanks (Exercise 1's 26 gradients, dlogprobs done as the example; Exercises 2, 3)%n",
                    file, blanks);
            out.printf("fill them in, then: ./ninja exercise grade %s%n", target.dir);
        }
        return Main.OK;
    }
}
