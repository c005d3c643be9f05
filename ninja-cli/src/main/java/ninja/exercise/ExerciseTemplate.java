package ninja.exercise;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exercise file, rendered from one template (resources ninja/exercise/Backprop.java.template) that holds
 * the forward pass, the header and every blank with its solution between {@code //@begin NAME} and
 * {@code //@end} markers. The blank file replaces each solution (but the worked example) with {@code return
 * null}; the solution file keeps them. One source, so the solution cannot drift from the blanks.
 */
public final class ExerciseTemplate {
    public static final String EXERCISE_CLASS = "Backprop";
    public static final String SOLUTION_CLASS = "BackpropSolution";

    private static final Pattern BLANK = Pattern.compile("(?ms)^([ \\t]*)//@begin (\\w+)\\n(.*?)^[ \\t]*//@end\\n");

    private ExerciseTemplate() {
    }

    /** The file a learner starts from: every blank returns null, the worked example is written. */
    public static String exercise() {
        return render(EXERCISE_CLASS, false, Map.of());
    }

    /** The reference solution, every blank filled in as in the lecture. */
    public static String solution() {
        return render(SOLUTION_CLASS, true, Map.of());
    }

    /**
     * The template with class name {@code className}; each blank's body is {@code bodies.get(method)} if given,
     * else the solution ({@code solved}) or {@code return null} (the worked example is always written).
     */
    public static String render(String className, boolean solved, Map<String, String> bodies) {
        Matcher m = BLANK.matcher(template().replace("__CLASS__", className));
        StringBuilder out = new StringBuilder();
        Set<String> seen = new HashSet<>();
        while (m.find()) {
            String indent = m.group(1), name = m.group(2), solution = m.group(3);
            seen.add(name);
            String body;
            if (bodies.containsKey(name)) {
                body = indent + bodies.get(name).strip().replace("\n", "\n" + indent) + "\n";
            } else if (solved || name.equals(Steps.WORKED_EXAMPLE)) {
                body = solution;
            } else {
                body = indent + "// ---- your code here ----\n" + indent + "return null; // not written yet\n";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(body));
        }
        m.appendTail(out);
        if (!seen.containsAll(bodies.keySet())) {
            throw new IllegalArgumentException("no blank named " + bodies.keySet() + " in the template");
        }
        return out.toString();
    }

    private static String template() {
        try (InputStream in = ExerciseTemplate.class.getResourceAsStream("Backprop.java.template")) {
            if (in == null) {
                throw new IllegalStateException("resource ninja/exercise/Backprop.java.template missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
