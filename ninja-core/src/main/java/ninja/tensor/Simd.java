package ninja.tensor;

/**
 * The two inner loops every kernel is made of, dot and axpy, behind one switch: the Vector API
 * ({@code jdk.incubator.vector}) when the JVM was started with {@code --add-modules jdk.incubator.vector}
 * (the {@code ./ninja} launcher does that), plain loops otherwise. Each path is deterministic; they differ only in
 * the order of float additions inside a dot product.
 */
public abstract class Simd {
    /** The implementation in use, fixed at class initialisation (a static final, so the JIT inlines it). */
    public static final Simd INSTANCE = select();

    private static Simd select() {
        if (!Boolean.getBoolean("ninja.scalar")
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (Simd) Class.forName("ninja.tensor.VectorSimd").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar loops
            }
        }
        return new ScalarSimd();
    }

    /** A short name for reports: "vector-256" or "scalar". */
    public abstract String name();

    /** {@code sum_i x[xo+i] * y[yo+i]} for i in [0, len). */
    public abstract float dot(float[] x, int xo, float[] y, int yo, int len);

    /** {@code y[yo+i] += a * x[xo+i]} for i in [0, len). */
    public abstract void axpy(float a, float[] x, int xo, float[] y, int yo, int len);

    /** The plain-loop implementation, also the reference for the vector one. */
    static final class ScalarSimd extends Simd {
        @Override
        public String name() {
            return "scalar";
        }

        @Override
        public float dot(float[] x, int xo, float[] y, int yo, int len) {
            float s = 0f;
            for (int i = 0; i < len; i++) {
                s += x[xo + i] * y[yo + i];
            }
            return s;
        }

        @Override
        public void axpy(float a, float[] x, int xo, float[] y, int yo, int len) {
            for (int i = 0; i < len; i++) {
                y[yo + i] += a * x[xo + i];
            }
        }
    }
}
