package ninja.exercise;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The Java for the PyTorch spellings that do not compile, read off the line a compile error points at. */
final class PytorchHabits {
    private static final Map<Pattern, String> HINTS = new LinkedHashMap<>();

    static {
        HINTS.put(Pattern.compile("\\.T\\b"), "no .T in Java: a.T @ b is Ops.matmulAT(a, b), a @ b.T is "
                + "Ops.matmulBT(a, b)");
        HINTS.put(Pattern.compile("\\*\\*"), "no ** in Java: x**2 is Ops.mul(x, x); x**k is "
                + "Ops.map(x, v -> (float) Math.pow(v, k))");
        HINTS.put(Pattern.compile("[\\w)\\]]\\s*@\\s*[\\w(]"), "no @ operator in Java: a @ b is Ops.matmul(a, b) "
                + "(Ops.matmulAT(a, b) for a.T @ b, Ops.matmulBT(a, b) for a @ b.T)");
        HINTS.put(Pattern.compile("keepdims?\\s*="), "no keyword arguments in Java: x.sum(0, keepdim=True) is "
                + "Ops.sum0(x, true), x.sum(1, keepdim=True) is Ops.sum1(x)");
    }

    private PytorchHabits() {
    }

    /** The hint for the first PyTorch habit on {@code line}, or null. */
    static String hint(String line) {
        if (line == null) {
            return null;
        }
        String code = line.replaceAll("//.*", "");
        for (Map.Entry<Pattern, String> e : HINTS.entrySet()) {
            if (e.getKey().matcher(code).find()) {
                return e.getValue();
            }
        }
        return null;
    }
}
