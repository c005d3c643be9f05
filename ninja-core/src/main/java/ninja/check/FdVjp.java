package ninja.check;

import java.util.Map;
import ninja.lecture.Name;

/**
 * Vector-Jacobian products of single forward steps by finite differences in float64: for element k of x,
 * {@code d/dx_k sum over y of <y(x), u_y>}, each consumer y recomputed alone from x ({@link
 * DoubleForward#consumerDot}), with the fourth-order stencil of {@link FiniteDifferences#step}. Local functions
 * are a single step each (a product, a sum, an exp), so this is accurate to ~1e-10 and cheap: a row-wise step is
 * recomputed for one row only.
 */
final class FdVjp {
    private FdVjp() {
    }

    /**
     * The VJP of x at the flat indices {@code idx} (null: every element), the others NaN.
     *
     * @param u the upstream gradient of each consumer of x (by name, in float64)
     */
    static double[] of(DoubleForward f, Name x, Map<Name, double[]> u, int[] idx) {
        double[] a = f.array(x);
        double[] g = new double[a.length];
        if (idx != null) {
            java.util.Arrays.fill(g, Double.NaN);
        }
        int count = idx == null ? a.length : idx.length;
        for (int c = 0; c < count; c++) {
            int k = idx == null ? c : idx[c];
            double x0 = a[k];
            double h = step(x, x0);
            double near = phi(f, x, k, u, x0 + h) - phi(f, x, k, u, x0 - h);
            double far = phi(f, x, k, u, x0 + 2 * h) - phi(f, x, k, u, x0 - 2 * h);
            a[k] = x0;
            g[k] = (8 * near - far) / (12 * h);
        }
        return g;
    }

    /**
     * {@link FiniteDifferences#step}, except where the step's own curvature scale is not |x|: bnvar enters as
     * (bnvar + 1e-5)^-0.5, which bends on the scale bnvar + 1e-5 (at batch 2 bnvar can be ~1e-8, and a step of
     * 1e-6 was off by 1e-4 relative); probs enters as log(probs), on the scale probs itself (no floor, or
     * log(probs - 2h) is the log of a negative number for a small probability).
     */
    static double step(Name x, double x0) {
        return switch (x) {
            case bnvar -> 1e-4 * (Math.abs(x0) + ninja.tensor.BatchNormKernels.EPS);
            case probs -> 1e-4 * Math.abs(x0);
            default -> FiniteDifferences.step(x0);
        };
    }

    private static double phi(DoubleForward f, Name x, int k, Map<Name, double[]> u, double value) {
        f.array(x)[k] = value;
        double s = 0;
        for (Name y : x.consumers()) {
            s += f.consumerDot(x, k, y, u.get(y));
        }
        return s;
    }
}
