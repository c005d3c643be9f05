package ninja.check;

/**
 * The pass/fail decision of a row, from a tolerance that knows float32, beside the lecture's exact/allclose columns.
 *
 * <p>Both sides of a row are float32 computations of a float64 truth (or the float64 truth itself, for finite
 * differences), so they differ by rounding noise. How large that noise is depends on the row, not on its values:
 * dlogit_maxes is zero in exact arithmetic and both sides are eps32 times the terms summed; a batchnorm gradient at
 * batch 2 is a difference of nearly equal numbers. allclose's fixed atol 1e-8 cannot know that. So each row
 * carries {@code noise}, the rounding noise of a correct computation at exactly these inputs, measured by
 * {@link Noise}: the largest change of the gradient when every input is moved by a couple of float32 ulps. An
 * element passes when
 *
 * <pre>
 * |mine - reference| &lt;= RTOL * |reference| + K * noise + F * eps32 * max|reference|
 * </pre>
 *
 * RTOL is allclose's 1e-5 (it also covers the truncation error of finite differences, ~1e-7 relative); K = 16
 * covers the noise of two engines rounding differently; F = 4 ulps of the row's largest value is the floor.
 * A real mistake (a missing branch, a factor (n-1)/n, a flipped sign, a transpose) moves a row by a fraction of
 * its own magnitude, 1e-3 and more: far above noise, whatever the shape.
 */
public record Verdict(boolean pass, double relerr, double tolerance) {
    public static final double RTOL = 1e-5;
    public static final double K = 16;
    public static final double F = 4;
    public static final double EPS32 = Math.ulp(1f);

    /** A row that could not be compared (missing tensor, shape mismatch): not passed. */
    public static final Verdict NOT_COMPARED = new Verdict(false, Double.NaN, Double.NaN);

    /** Compares equally long arrays (the compared elements) given the row's measured noise. */
    public static Verdict of(float[] mine, float[] ref, double noise) {
        double scale = 0;
        for (float y : ref) {
            if (Float.isFinite(y)) {
                scale = Math.max(scale, Math.abs(y));
            }
        }
        double floor = K * noise + F * EPS32 * scale;
        boolean pass = true;
        double maxdiff = 0;
        for (int i = 0; i < mine.length; i++) {
            double d = Math.abs((double) mine[i] - ref[i]);
            if (!(d <= RTOL * Math.abs(ref[i]) + floor)) {
                pass = false;
            }
            maxdiff = Double.isNaN(d) || d > maxdiff ? d : maxdiff;
        }
        double rel = maxdiff == 0 ? 0 : scale > 0 ? maxdiff / scale : Double.POSITIVE_INFINITY;
        return new Verdict(pass, rel, RTOL * scale + floor);
    }

    /** "ok" (allclose too), "rounding" (not allclose, but within float32 noise) or "WRONG". */
    public String label(boolean approximate) {
        return !pass ? "WRONG" : approximate ? "ok" : "rounding";
    }

    /** The relative error column: the largest difference over the largest reference magnitude. */
    public String rel() {
        return Double.isNaN(relerr) ? "-" : String.format(java.util.Locale.ROOT, "%.1e", relerr);
    }
}
