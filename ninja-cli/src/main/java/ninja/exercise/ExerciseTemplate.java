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
 * null}; the solution file keeps them. One source, so the solution cannot drift from the blanks. Exercise 5's
 * file (every layer's backward) comes from Layers.java.template the same way, without a worked example.
 */
public final class ExerciseTemplate {
    public static final String EXERCISE_CLASS = "Backprop";
    public static final String SOLUTION_CLASS = "BackpropSolution";
    public static final String LAYERS_CLASS = "Layers";
    public static final String LAYERS_SOLUTION_CLASS = "LayersSolution";

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

    /** Exercise 5's file: every layer's backward returns null. */
    public static String layers() {
        return renderLayers(LAYERS_CLASS, false, Map.of());
    }

    /** Exercise 5's solution. */
    public static String layersSolution() {
        return renderLayers(LAYERS_SOLUTION_CLASS, true, Map.of());
    }

    /** Exercise 5's file, as {@link #render} renders Exercise 1's (it has no worked example). */
    public static String renderLayers(String className, boolean solved, Map<String, String> bodies) {
        return render("Layers.java.template", null, className, solved, bodies);
    }

    /**
     * The template with class name {@code className}; each blank's body is {@code bodies.get(method)} if given,
     * else the solution ({@code solved}) or {@code return null} (the worked example is always written).
     */
    public static String render(String className, boolean solved, Map<String, String> bodies) {
        return render("Backprop.java.template", Steps.WORKED_EXAMPLE, className, solved, bodies);
    }

    private static String render(String resource, String worked, String className, boolean solved,
            Map<String, String> bodies) {
        Matcher m = BLANK.matcher(template(resource).replace("__CLASS__", className));
        StringBuilder out = new StringBuilder();
        Set<String> seen = new HashSet<>();
        while (m.find()) {
            String indent = m.group(1), name = m.group(2), solution = m.group(3);
            seen.add(name);
            String body;
            if (bodies.containsKey(name)) {
                body = indent + bodies.get(name).strip().replace("\n", "\n" + indent) + "\n";
            } else if (solved || name.equals(worked)) {
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

    private static String template(String resource) {
        try (InputStream in = ExerciseTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource ninja/exercise/" + resource + " missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
