package ninja.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link Tensor#toString()} as torch prints a tensor ({@code torch/_tensor_str.py} with its default options:
 * precision 4, line width 80, more than 1,000 elements abbreviated to the first and last 3 along each
 * dimension). Whole numbers print as {@code 1.}, a wide range of magnitudes in scientific notation.
 */
final class TensorFormat {
    private static final int PRECISION = 4;
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;
    private static final int LINE_WIDTH = 80;
    private static final String PREFIX = "tensor(";

    private final int[] shape;
    private final float[] data;
    private final boolean summarize;
    private final int[] strides;
    private boolean intMode = true;
    private boolean sciMode;
    private int width = 1;

    private TensorFormat(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
        this.summarize = data.length > THRESHOLD;
        this.strides = new int[shape.length];
        for (int d = shape.length - 1, s = 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
    }

    static String format(int[] shape, float[] data) {
        if (data.length == 0) {
            return shape.length == 1 ? "tensor([])" : "tensor([], size=" + Tensor.shapeString(shape) + ")";
        }
        TensorFormat f = new TensorFormat(shape, data);
        f.chooseMode();
        return PREFIX + f.tensor(0, 0, PREFIX.length()) + ")";
    }

    /** torch's _Formatter: integer mode if every finite shown value is whole, scientific for a wide range. */
    private void chooseMode() {
        List<Float> shown = new ArrayList<>();
        collect(0, 0, shown);
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (float v : shown) {
            if (Float.isFinite(v)) {
                intMode &= v == Math.rint(v);
                double a = Math.abs(v);
                if (a != 0) {
                    min = Math.min(min, a);
                    max = Math.max(max, a);
                }
            }
        }
        boolean any = max > 0;
        sciMode = intMode ? max > 1e8 : any && (max / min > 1000 || max > 1e8 || min < 1e-4);
        if (sciMode) {
            intMode = false;
        }
        for (float v : shown) {
            width = Math.max(width, raw(v).length());
        }
    }

    private void collect(int d, int base, List<Float> out) {
        if (d == shape.length) {
            out.add(data[base]);
            return;
        }
        for (int i : indices(d)) {
            if (i >= 0) {
                collect(d + 1, base + i * strides[d], out);
            }
        }
    }

    /** The indices shown along dimension {@code d}; -1 stands for "...". */
    private int[] indices(int d) {
        int n = shape[d];
        if (!summarize || n <= 2 * EDGE) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        return new int[] {0, 1, 2, -1, n - 3, n - 2, n - 1};
    }

    private String raw(float v) {
        if (Float.isNaN(v)) {
            return "nan";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (intMode) {
            return String.format(Locale.ROOT, "%.0f.", v);
        }
        return String.format(Locale.ROOT, sciMode ? "%." + PRECISION + "e" : "%." + PRECISION + "f", v);
    }

    private String value(float v) {
        String s = raw(v);
        return " ".repeat(width - s.length()) + s;
    }

    private String tensor(int d, int base, int indent) {
        if (shape.length == 0) {
            return raw(data[0]);
        }
        if (d == shape.length - 1) {
            return vector(base, indent);
        }
        List<String> slices = new ArrayList<>();
        for (int i : indices(d)) {
            slices.add(i < 0 ? "..." : tensor(d + 1, base + i * strides[d], indent + 1));
        }
        String sep = "," + "\n".repeat(shape.length - d - 1) + " ".repeat(indent + 1);
        return "[" + String.join(sep, slices) + "]";
    }

    private String vector(int base, int indent) {
        int perLine = Math.max(1, (LINE_WIDTH - indent) / (width + 2));
        List<String> items = new ArrayList<>();
        for (int i : indices(shape.length - 1)) {
            items.add(i < 0 ? " ..." : value(data[base + i]));
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < items.size(); i += perLine) {
            lines.add(String.join(", ", items.subList(i, Math.min(items.size(), i + perLine))));
        }
        return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
    }
}
