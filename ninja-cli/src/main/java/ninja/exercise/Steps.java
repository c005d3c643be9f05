package ninja.exercise;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ninja.model.Grads;

/**
 * The blanks in the lecture's order: Exercise 1's 26 atomic gradients ({@link Grads#EXERCISE1}), then Exercise
 * 2's dlogits and Exercise 3's dhprebn in one go. Each step receives exactly the upstream gradients the lecture's
 * line uses, so it can be graded alone with the reference's upstream gradients (local grading).
 */
public final class Steps {
    /** Exercise 1's upstream gradients per tensor: the tensors computed from it in the forward pass. */
    private static final Map<String, List<String>> UPSTREAM = Map.ofEntries(
            Map.entry("logprobs", List.of()),
            Map.entry("probs", List.of("logprobs")),
            Map.entry("counts_sum_inv", List.of("probs")),
            Map.entry("counts_sum", List.of("counts_sum_inv")),
            Map.entry("counts", List.of("probs", "counts_sum")),
            Map.entry("norm_logits", List.of("counts")),
            Map.entry("logit_maxes", List.of("norm_logits")),
            Map.entry("logits", List.of("norm_logits", "logit_maxes")),
            Map.entry("h", List.of("logits")),
            Map.entry("W2", List.of("logits")),
            Map.entry("b2", List.of("logits")),
            Map.entry("hpreact", List.of("h")),
            Map.entry("bngain", List.of("hpreact")),
            Map.entry("bnbias", List.of("hpreact")),
            Map.entry("bnraw", List.of("hpreact")),
            Map.entry("bnvar_inv", List.of("bnraw")),
            Map.entry("bnvar", List.of("bnvar_inv")),
            Map.entry("bndiff2", List.of("bnvar")),
            Map.entry("bndiff", List.of("bnraw", "bndiff2")),
            Map.entry("bnmeani", List.of("bndiff")),
            Map.entry("hprebn", List.of("bndiff", "bnmeani")),
            Map.entry("embcat", List.of("hprebn")),
            Map.entry("W1", List.of("hprebn")),
            Map.entry("b1", List.of("hprebn")),
            Map.entry("emb", List.of("embcat")),
            Map.entry("C", List.of("emb")));

    /** All 28 steps, in the order of the file and of the table. */
    public static final List<Step> ALL = build();

    /** The one blank that comes filled in, as the header's worked example. */
    public static final String WORKED_EXAMPLE = "dlogprobs";

    private Steps() {
    }

    private static List<Step> build() {
        List<Step> steps = new ArrayList<>();
        for (String t : Grads.EXERCISE1) {
            steps.add(new Step(t, "d" + t, t, UPSTREAM.get(t), 1));
        }
        steps.add(new Step("logits (fast)", "dlogits_fast", "logits", List.of(), 2));
        steps.add(new Step("hprebn (fast)", "dhprebn_fast", "hprebn", List.of("hpreact"), 3));
        return List.copyOf(steps);
    }
}
