package ninja.exercise;

import java.util.ArrayList;
import java.util.List;
import ninja.lecture.Name;
import ninja.nn.CrossEntropyLoss;
import ninja.nn.NotebookBatchNorm;

/**
 * The blanks in the lecture's order: Exercise 1's 26 atomic gradients ({@link Name#EXERCISE1}), then Exercise
 * 2's dlogits and Exercise 3's dhprebn in one go. Each step receives exactly the upstream gradients the lecture's
 * line uses, so it can be graded alone with the reference's upstream gradients (local grading).
 */
public final class Steps {
    /** All 28 steps, in the order of the file and of the table. */
    public static final List<Step> ALL = build();

    /** The one blank that comes filled in, as the header's worked example. */
    public static final String WORKED_EXAMPLE = "dlogprobs";

    private Steps() {
    }

    private static List<Step> build() {
        List<Step> steps = new ArrayList<>();
        for (Name t : Name.EXERCISE1) {
            // the gradients of the steps that read t; dlogprobs starts the chain from dloss = 1
            List<Name> up = t.consumers().equals(List.of(Name.loss)) ? List.of() : t.consumers();
            steps.add(new Step(t.name(), "d" + t, t.name(), names(up), 1));
        }
        // Exercise 2: dlogits from the logits alone; Exercise 3: dhprebn from dhpreact, batchnorm's output
        steps.add(fast(CrossEntropyLoss.LECTURE_IN, List.of(), 2));
        steps.add(fast(NotebookBatchNorm.LECTURE_IN, List.of(NotebookBatchNorm.LECTURE_OUT), 3));
        return List.copyOf(steps);
    }

    private static Step fast(Name grad, List<Name> upstream, int exercise) {
        return new Step(grad + " (fast)", "d" + grad + "_fast", grad.name(), names(upstream), exercise);
    }

    private static List<String> names(List<Name> names) {
        return names.stream().map(Name::name).toList();
    }
}
