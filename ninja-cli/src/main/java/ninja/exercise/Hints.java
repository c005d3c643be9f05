package ninja.exercise;

import java.util.Arrays;
import ninja.check.Verdict;
import ninja.tensor.Tensor;

/**
 * A one-line hint for a wrong gradient, read off the numbers: the shapes, a constant factor between mine and the
 * reference (least squares), the rows of repeated indices, zeros where the reference is not.
 */
public final class Hints {
    /** Relative closeness for "the same up to float rounding" inside the hints (looser than cmp's allclose). */
    static final double CLOSE = 1e-3;

    private Hints() {
    }

    /** Why {@code mine} cannot be compared with {@code ref}: their shapes, and the likely cause. */
    public static String shape(Tensor mine, Tensor ref) {
        int[] m = mine.shape(), r = ref.shape();
        String both = "shape mismatch: mine " + mine.shapeString() + ", reference " + ref.shapeString();
        if (m.length == 2 && m[1] == last(r) && ((r.length == 2 && r[0] == 1 && m[0] > 1) || (r.length == 1 && m[0] > 1))) {
            return both + ": missing sum over a broadcast dimension (dim 0: Ops.sum0(x, " + (r.length == 2) + "))";
        }
        if (m.length == 2 && r.length == 2 && m[0] == r[0] && r[1] == 1 && m[1] > 1) {
            return both + ": missing sum over a broadcast dimension (dim 1: Ops.sum1(x))";
        }
        if (m.length == 1 && r.length == 2 && r[0] == 1 && r[1] == m[0]) {
            return both + ": keep the summed dimension (Ops.sum0(x, true), keepdim=True)";
        }
        if (m.length == 2 && m[0] == 1 && r.length == 1 && r[0] == m[1]) {
            return both + ": the reference has no kept dimension (Ops.sum0(x, false))";
        }
        if (ref.numel() > mine.numel() && last(m) == last(r)) {
            return both + ": broadcast to the full shape (multiply by ones_like(...))";
        }
        if (m.length == 2 && r.length == 2 && m[0] == r[1] && m[1] == r[0]) {
            return both + ": transposed (a view would scramble the values): swap the product's operands, "
                    + "e.g. dW = x.T @ dout is Ops.matmulAT(x, dout)";
        }
        if (mine.numel() == ref.numel()) {
            return both + ": same number of values, reshape with view(...)";
        }
        return both;
    }

    private static int last(int[] s) {
        return s.length == 0 ? 1 : s[s.length - 1];
    }

    /**
     * Why {@code mine} differs from {@code ref} (same shape).
     *
     * @param n the batch size
     * @param rowUses for dC, how many times each row of C was looked up in the batch; else null
     */
    public static String values(Tensor mine, Tensor ref, int n, int[] rowUses) {
        return values(mine, ref, n, rowUses, 0);
    }

    /**
     * As {@link #values(Tensor, Tensor, int, int[])}, knowing the float32 noise of a correct step here: where the
     * reference itself is within that noise of zero, no pattern is read from it.
     */
    public static String values(Tensor mine, Tensor ref, int n, int[] rowUses, double noise) {
        float[] a = mine.data(), b = ref.data();
        int nonFinite = 0;
        for (float v : a) {
            if (!Float.isFinite(v)) {
                nonFinite++;
            }
        }
        if (nonFinite > 0) {
            return nonFinite + " of " + a.length + " values are NaN or infinite (a division by zero? log of 0?)";
        }
        if (hasNaN(b)) { // a sampled reference (finite differences on a large tensor): compare where it has values
            a = a.clone();
            b = b.clone();
            for (int i = 0; i < b.length; i++) {
                if (Float.isNaN(b[i])) {
                    a[i] = 0;
                    b[i] = 0;
                }
            }
            mine = Tensor.of(a, mine.shape());
            ref = Tensor.of(b, ref.shape());
        }
        double scale = maxAbs(b);
        if (noise > 0 && scale <= Verdict.K * noise + Verdict.F * Verdict.EPS32 * scale) {
            return String.format("the reference is zero up to rounding here (max |reference| %.2g), yours is not "
                    + "(max |mine| %.2g)", scale, maxAbs(a));
        }
        if (maxAbs(a) == 0 && scale > 0) {
            return "all zeros, but the reference is not";
        }
        String transposed = transposedView(a, ref);
        if (transposed != null) {
            return transposed;
        }
        if (rowUses != null) {
            String scatter = scatter(a, b, ref.dim(-1), rowUses, scale);
            if (scatter != null) {
                return scatter;
            }
        }
        String factor = factor(a, b, n);
        if (factor != null) {
            return factor;
        }
        String zeros = zeros(a, b, scale);
        if (zeros != null) {
            return zeros;
        }
        return largest(mine, ref, scale);
    }

    /** ref [r, c] whose values are mine read as [c, r] and transposed: a view where a transpose belongs. */
    static String transposedView(float[] a, Tensor ref) {
        if (ref.rank() != 2 || ref.dim(0) == 1 || ref.dim(1) == 1) {
            return null;
        }
        int r = ref.dim(0), c = ref.dim(1);
        double scale = maxAbs(ref.data());
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                if (!close(a[j * r + i], ref.data()[i * c + j], scale)) {
                    return null;
                }
            }
        }
        return "your values are the reference transposed, then viewed to its shape: a view does not transpose; "
                + "swap the product's operands (e.g. Ops.matmulAT(x, dout) for x.T @ dout)";
    }

    /** A constant factor r minimising |mine - r * ref|, when it explains mine. */
    static String factor(float[] a, float[] b, int n) {
        double ab = 0, bb = 0, aa = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            bb += (double) b[i] * b[i];
            aa += (double) a[i] * a[i];
        }
        if (bb == 0 || aa == 0) {
            return null;
        }
        double r = ab / bb;
        double res = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - r * b[i];
            res += d * d;
        }
        if (Math.sqrt(res) > CLOSE * Math.sqrt(aa)) {
            return null;
        }
        String sign = r < 0 ? "sign flipped and " : "";
        double m = Math.abs(r);
        String times = String.format("mine = %.5g * reference", r);
        if (near(r, -1)) {
            return "sign flipped: mine = -reference";
        }
        if (near(m, (n - 1.0) / n)) {
            return sign + "off by a factor (n-1)/n (" + times + "): Bessel's correction, the variance divides by n-1, not n";
        }
        if (near(m, n / (n - 1.0))) {
            return sign + "off by a factor n/(n-1) (" + times + "): Bessel's correction, n-1 where n belongs";
        }
        if (near(m, n)) {
            return sign + "off by a factor of n = " + n + " (" + times + "): a missing 1/n (the mean over the batch)";
        }
        if (near(m, 1.0 / n)) {
            return sign + "off by a factor of 1/n = 1/" + n + " (" + times + "): a 1/n too many";
        }
        if (near(m, 2) || near(m, 0.5)) {
            return sign + "off by a factor of " + (m > 1 ? "2" : "1/2") + " (" + times + "): d(x**2)/dx = 2x";
        }
        if (near(m, 1)) {
            return sign.isEmpty() ? null : "sign flipped: mine = -reference";
        }
        return "off by a constant factor: " + times;
    }

    private static boolean near(double x, double target) {
        return Math.abs(x - target) <= CLOSE * Math.abs(target);
    }

    /** dC's classic mistake: rows of characters used once are right, rows used more than once are wrong. */
    static String scatter(float[] a, float[] b, int width, int[] rowUses, double scale) {
        int repeatedWrong = 0, singleWrong = 0, repeated = 0;
        for (int row = 0; row < rowUses.length && (row + 1) * width <= a.length; row++) {
            boolean ok = true;
            for (int c = row * width; c < (row + 1) * width; c++) {
                ok &= close(a[c], b[c], scale);
            }
            if (rowUses[row] > 1) {
                repeated++;
                repeatedWrong += ok ? 0 : 1;
            } else {
                singleWrong += ok ? 0 : 1;
            }
        }
        if (repeatedWrong > 0 && singleWrong == 0) {
            return "only the rows of repeated indices are wrong (" + repeatedWrong + " of the " + repeated
                    + " characters used more than once): accumulate with += (a scatter-add), do not assign";
        }
        return null;
    }

    /** Zeros where the reference is not, everything else right: a branch left out. */
    static String zeros(float[] a, float[] b, double scale) {
        int zero = 0, otherWrong = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == 0 && Math.abs(b[i]) > 1e-6 * scale) {
                zero++;
            } else if (!close(a[i], b[i], scale)) {
                otherWrong++;
            }
        }
        if (zero == 0) {
            return null;
        }
        String where = "zero at " + zero + " of " + a.length + " entries where the reference is not";
        return otherWrong == 0 ? where + " (the rest is right): a branch left out, or a missing +=?"
                : where + " (and " + otherWrong + " other entries wrong)";
    }

    private static String largest(Tensor mine, Tensor ref, double scale) {
        float[] a = mine.data(), b = ref.data();
        int worst = 0, wrong = 0;
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > Math.abs(a[worst] - b[worst])) {
                worst = i;
            }
            wrong += close(a[i], b[i], scale) ? 0 : 1;
        }
        return String.format("%d of %d entries differ; the largest at %s: mine %s, reference %s", wrong, a.length,
                index(ref.shape(), worst), a[worst], b[worst]);
    }

    static boolean close(float x, float y, double scale) {
        return Math.abs((double) x - y) <= CLOSE * Math.abs(y) + 1e-6 * scale;
    }

    private static boolean hasNaN(float[] v) {
        for (float x : v) {
            if (Float.isNaN(x)) {
                return true;
            }
        }
        return false;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static String index(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }
}
