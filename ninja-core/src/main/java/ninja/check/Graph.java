package ninja.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.lecture.Name;

/**
 * The lecture's forward graph read backwards, by lecture name for the code that speaks strings (the exercise's
 * steps and a reference's result): derived from {@link Name}, the one definition. For each of the 26 tensors of
 * Exercise 1, the forward steps that read it, in the order its backward line takes their gradients. A tensor's
 * local backward step is the vector-Jacobian product through exactly these steps: {@code dx = sum over y of
 * (dy/dx)^T dy}, each y computed from x with its other inputs held (dhprebn's bndiff branch holds bnmeani, its
 * bnmeani branch is its own term).
 */
public final class Graph {
    /** {@link Name#EXERCISE1} by name. */
    public static final List<String> EXERCISE1 = names(Name.EXERCISE1);
    /** {@link Name#consumers} of each of {@link Name#EXERCISE1}, by name. */
    public static final Map<String, List<String>> CONSUMERS = consumers();

    private Graph() {
    }

    private static Map<String, List<String>> consumers() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Name x : Name.EXERCISE1) {
            m.put(x.name(), names(x.consumers()));
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    private static List<String> names(List<Name> names) {
        return names.stream().map(Name::name).toList();
    }
}
