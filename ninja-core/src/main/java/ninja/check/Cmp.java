package ninja.check;

import ninja.tensor.Tensor;

/**
 * The lecture's {@code cmp(name, mine, reference)}: exact equality, torch's {@code allclose} (rtol 1e-5, atol 1e-8)
 * and the largest absolute difference. Unlike the lecture's version, shapes must match exactly: a gradient of
 * shape [64] for a tensor of shape [1, 64] is a failed row that names both shapes, not a broadcast pass.
 */
public final class Cmp {
    public static final double RTOL = 1e-5;
    public static final double ATOL = 1e-8;

    private Cmp() {
    }

    /** One row of the table. {@code problem} is null for a comparable pair, else what is wrong. */
    /** The width of the name column in the lecture's cmp lines. */
    public static final int NAME_WIDTH = 15;

    public record Row(String name, boolean exact, boolean approximate, double maxdiff, String problem) {
        public boolean ok() {
            return problem == null && approximate;
        }

        /** The lecture's line, the name in 15 columns. */
        public String format() {
            return format(NAME_WIDTH);
        }

        /** The same with the name in {@code width} columns (longer names: the WaveNet's {@code layers.13.weight}). */
        public String format(int width) {
            String n = String.format("%-" + Math.max(1, width) + "s", name);
            if (problem != null) {
                return String.format("%s | exact: %-5s | approximate: %-5s | %s", n, false, false, problem);
            }
            return String.format("%s | exact: %-5s | approximate: %-5s | maxdiff: %s", n, exact, approximate, maxdiff);
        }
    }

    /** Compares {@code mine} with {@code reference}; a missing tensor or a shape mismatch is a failed row. */
    public static Row cmp(String name, Tensor mine, Tensor reference) {
        if (reference == null) {
            return new Row(name, false, false, Double.NaN, "no reference gradient for " + name);
        }
        if (mine == null) {
            return new Row(name, false, false, Double.NaN, "no gradient computed for " + name);
        }
        if (!mine.sameShape(reference)) {
            return new Row(name, false, false, Double.NaN, "shape mismatch: mine " + mine.shapeString()
                    + ", reference " + reference.shapeString());
        }
        return compare(name, mine.data(), reference.data());
    }

    /** Elementwise comparison of equally long arrays (float values compared in double, as torch promotes). */
    public static Row compare(String name, float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(name + ": " + a.length + " values against " + b.length);
        }
        boolean exact = true;
        boolean approx = true;
        double maxdiff = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i], y = b[i];
            double d = Math.abs(x - y);
            if (x != y) {
                exact = false;
            }
            if (!(d <= ATOL + RTOL * Math.abs(y))) {
                approx = false;
            }
            if (d > maxdiff || Double.isNaN(d)) {
                maxdiff = Double.isNaN(d) ? Double.NaN : d;
                if (Double.isNaN(d)) {
                    break;
                }
            }
        }
        return new Row(name, exact, approx, maxdiff, null);
    }

    /** Prints the row like the lecture's cmp and returns it. */
    public static Row print(String name, Tensor mine, Tensor reference) {
        Row r = cmp(name, mine, reference);
        System.out.println(r.format());
        return r;
    }
}
