package ninja.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Learner mode: write the exercise file, grade it against the reference, write the solution. */
@Command(name = "exercise", mixinStandardHelpOptions = true,
        description = "Learner mode: do the lecture's Exercises 1-3 yourself, in one Java file, graded row by row "
                + "(--layers: Exercise 5, every layer's backward, then train the WaveNet with it).",
        subcommands = {ExerciseNew.class, ExerciseGrade.class, ExerciseSolution.class, ExerciseTrain.class})
final class ExerciseCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: new, grade or solution");
    }

}
