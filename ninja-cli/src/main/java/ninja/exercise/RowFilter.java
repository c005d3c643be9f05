package ninja.exercise;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code --only ROW[,ROW...]}: the rows to grade, named as the table names them ({@code probs},
 * {@code "logits (fast)"}) or by their method ({@code dprobs}, {@code dlogits_fast}).
 */
public final class RowFilter implements Predicate<Step> {
    private final Set<Step> steps;

    private RowFilter(Set<Step> steps) {
        this.steps = steps;
    }

    /** Every row. */
    public static Predicate<Step> all() {
        return s -> true;
    }

    /**
     * The rows named; an unknown name is an IllegalArgumentException whose one-line message lists the valid ones.
     */
    public static RowFilter of(List<String> names) {
        return of(names, Steps.ALL, "dprobs, dlogits_fast");
    }

    /**
     * Among {@code rows}: the rows named by row, by method, or (Exercise 5) by the layer that opens their row name
     * ({@code linear_3d} for {@code linear_3d dx} and {@code linear_3d dweight}).
     */
    public static RowFilter of(List<String> names, List<Step> rows, String methodExamples) {
        Set<Step> steps = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String raw : names) {
            String name = raw.strip();
            List<Step> match = rows.stream().filter(s -> s.row().equals(name) || s.method().equals(name)).toList();
            if (match.isEmpty()) {
                match = rows.stream().filter(s -> s.exercise() == LayerGrader.EXERCISE && s.row().startsWith(name + " "))
                        .toList();
            }
            if (match.isEmpty() || name.isEmpty()) {
                unknown.add("'" + name + "'");
            } else {
                steps.addAll(match);
            }
        }
        if (!unknown.isEmpty() || steps.isEmpty()) {
            throw new IllegalArgumentException("--only: no row named " + (unknown.isEmpty() ? "''" : String.join(", ", unknown))
                    + "; the rows are " + String.join(", ", rows.stream().map(Step::row).toList())
                    + " (or their methods, e.g. " + methodExamples + ")");
        }
        return new RowFilter(steps);
    }

    @Override
    public boolean test(Step s) {
        return steps.contains(s);
    }
}
