package ninja.exercise;

import java.util.ArrayList;
import java.util.List;
import ninja.check.Graph;
import ninja.model.Grads;

/**
 * The blanks in the lecture's order: Exercise 1's 26 atomic gradients ({@link Grads#EXERCISE1}), then Exercise
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
        for (String t : Grads.EXERCISE1) {
            // the gradients of the steps that read t (Graph.CONSUMERS); dlogprobs starts the chain from dloss = 1
            steps.add(new Step(t, "d" + t, t, t.equals("logprobs") ? List.of() : Graph.CONSUMERS.get(t), 1));
        }
        steps.add(new Step("logits (fast)", "dlogits_fast", "logits", List.of(), 2));
        steps.add(new Step("hprebn (fast)", "dhprebn_fast", "hprebn", List.of("hpreact"), 3));
        return List.copyOf(steps);
    }
}
