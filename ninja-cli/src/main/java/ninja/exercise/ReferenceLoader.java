package ninja.exercise;

import java.util.Map;
import ninja.check.FiniteDifferences;
import ninja.check.Reference;
import ninja.check.ReferenceUnavailable;
import ninja.reference.TorchReference;

/**
 * The grading references by their --reference name: libtorch's autograd (module ninja-torch, a dependency of this
 * one) and central finite differences in float64.
 */
public final class ReferenceLoader {
    static final Map<String, String> CLASSES = Map.of(
            "torch", TorchReference.class.getName(),
            "fd", FiniteDifferences.class.getName());

    private ReferenceLoader() {
    }

    /** The class behind a --reference name; an unknown name is an error. */
    public static String className(String name) {
        String className = CLASSES.get(name);
        if (className == null) {
            throw new IllegalArgumentException("no reference named '" + name + "' (choose torch or fd)");
        }
        return className;
    }

    /** The reference, started; {@link ReferenceUnavailable} when libtorch cannot start. */
    public static Reference load(String name) {
        className(name);
        if (name.equals("fd")) {
            // local grading feeds each step the reference's upstream gradient: every element of it, never NaN
            return new FiniteDifferences(FiniteDifferences.DEFAULT_SAMPLES, true);
        }
        try {
            Reference r = new TorchReference();
            r.start();
            return r;
        } catch (RuntimeException | LinkageError e) {
            throw new ReferenceUnavailable(name, e);
        }
    }
}
