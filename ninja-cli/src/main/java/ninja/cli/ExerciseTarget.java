package ninja.cli;

import java.nio.file.Path;
import ninja.exercise.ExerciseFiles;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** What `new` and `solution` share: where to write, whether to replace a file, how to report. */
final class ExerciseTarget {
    @CommandLine.Parameters(paramLabel = "DIR", description = "the exercise directory (created if missing)")
    Path dir;

    @Option(names = "--force", description = "replace an existing file (what was in it is lost)")
    boolean force;

    @Option(names = "--layers", description = "Exercise 5: DIR/Layers.java, the backward of every layer of the WaveNet")
    boolean layers;

    /** Writes the file (never over an existing one without --force) and returns where it went. */
    Path write(Path file, String content) {
        ExerciseFiles.write(file, content, force);
        return file;
    }
}
