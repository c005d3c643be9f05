package ninja.reference;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ninja.tensor.Tensor;

/**
 * libtorch through DJL, started once per JVM, offline and single-threaded (so results do not depend on the
 * thread count), and the conversions between {@link Tensor} (float32, row-major) and {@link NDArray}.
 */
public final class Torch {
    private static volatile Engine engine;

    private Torch() {
    }

    /** Thrown with a one-line message when libtorch cannot start (no native library, wrong platform). */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The PyTorch engine; starts it on first use. */
    public static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (Torch.class) {
                e = engine;
                if (e == null) {
                    engine = e = start();
                }
            }
        }
        return e;
    }

    private static Engine start() {
        // must be set before the engine class loads: DJL reads them once, at start
        setDefault("ai.djl.offline", "true");
        setDefault("ai.djl.pytorch.num_threads", "1");
        setDefault("ai.djl.pytorch.num_interop_threads", "1");
        try {
            Engine e = Engine.getEngine("PyTorch");
            try (NDManager m = e.newBaseManager()) {
                m.create(1f).toFloatArray(); // load the native library now, not in the middle of a computation
            }
            return e;
        } catch (Throwable t) { // UnsatisfiedLinkError, EngineException, IllegalArgumentException...
            throw new UnavailableException("libtorch (DJL PyTorch engine, offline) could not start: " + why(t), t);
        }
    }

    /** The first line of each distinct message down the cause chain, joined: one line that says why. */
    private static String why(Throwable t) {
        java.util.LinkedHashSet<String> parts = new java.util.LinkedHashSet<>();
        for (Throwable c = t; c != null && parts.size() < 4; c = c.getCause() == c ? null : c.getCause()) {
            String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            parts.add(msg.lines().findFirst().orElse("").strip());
        }
        return String.join(": ", parts);
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** A new root manager on the engine; close it (try-with-resources) to free the native memory. */
    public static NDManager newManager() {
        return engine().newBaseManager();
    }

    /** Seeds torch's global CPU generator, {@code torch.manual_seed(seed)}, with all 64 bits of the seed. */
    public static void manualSeed(long seed) {
        engine();
        JniUtils.setSeed(seed);
    }

    /** A float32 NDArray with t's shape and a copy of its values. */
    public static NDArray toNd(NDManager m, Tensor t) {
        return m.create(t.data(), shape(t.shape()));
    }

    /** A float32 tensor with a's shape and a copy of its values (a 0-dim array gives a scalar tensor). */
    public static Tensor toTensor(NDArray a) {
        NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        long[] s = f.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = Math.toIntExact(s[i]);
        }
        return Tensor.of(f.toFloatArray(), shape);
    }

    /** An int64 NDArray of indices (torch's index dtype) with the given shape. */
    public static NDArray indices(NDManager m, int[] idx, int... shape) {
        long[] v = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            v[i] = idx[i];
        }
        return m.create(v, shape(shape));
    }

    /** A float32 0-dim constant; keep the returned array referenced while autograd may use it (see the brief). */
    public static NDArray scalar(NDManager m, float v) {
        return m.create(v);
    }

    static Shape shape(int[] dims) {
        long[] s = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = dims[i];
        }
        return new Shape(s);
    }
}
