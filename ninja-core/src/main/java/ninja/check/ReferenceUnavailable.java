package ninja.check;

/**
 * A reference that cannot run here (libtorch missing or failing to load, a module not in the build): not a
 * wrong gradient and not bad input, so the CLI gives it its own exit code and suggests --reference fd, which
 * needs no native library.
 */
public final class ReferenceUnavailable extends RuntimeException {
    public ReferenceUnavailable(String name, Throwable cause) {
        super("the " + name + " reference cannot start (" + why(cause) + "); use --reference fd "
                + "(finite differences in float64, no native library needed)", cause);
    }

    private static String why(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
