package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import ninja.tensor.Tensor;

/**
 * allclose for float32 results of different but equally valid orders of summation:
 * {@code |mine - ref| <= RTOL * |ref| + ATOL * max|ref|}. The relative term covers elements of ordinary size; the
 * absolute term, scaled by the tensor's largest element, covers elements that are small because of cancellation
 * (a sum of terms of size max|ref| carries an absolute rounding error of a few float32 epsilons of that size, not
 * of its own). ATOL is 1e-6, about 8 epsilons (2^-23 = 1.19e-7) of the largest element.
 */
final class Close {
    static final double RTOL = 1e-5;
    static final double ATOL = 1e-6;

    private Close() {
    }

    /** The largest |mine - ref| and the largest |ref|. */
    record Diff(String name, double maxdiff, double maxabs, double worst) {
        @Override
        public String toString() {
            return String.format("%-22s maxdiff %.3e  max|ref| %.3e  worst/allowed %.3f", name, maxdiff, maxabs, worst);
        }
    }

    static Diff diff(String name, Tensor mine, Tensor ref) {
        return diff(name, mine, ref, ATOL);
    }

    static Diff diff(String name, Tensor mine, Tensor ref, double atol) {
        assertThat(mine).as("%s: no tensor", name).isNotNull();
        assertThat(mine.shape()).as("%s shape", name).isEqualTo(ref.shape());
        float[] a = mine.data(), b = ref.data();
        double maxabs = 0;
        for (float v : b) {
            maxabs = Math.max(maxabs, Math.abs(v));
        }
        double maxdiff = 0, worst = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            double allowed = RTOL * Math.abs(b[i]) + atol * maxabs;
            maxdiff = Math.max(maxdiff, d);
            double ratio = d == 0 ? 0 : d / allowed;                  // NaN anywhere stays NaN, and fails
            worst = Double.isNaN(ratio) || Double.isNaN(worst) ? Double.NaN : Math.max(worst, ratio);
        }
        return new Diff(name, maxdiff, maxabs, worst);
    }

    /** Prints the table when asked to or when a row fails, then asserts every row. */
    static void report(String title, java.util.List<Diff> diffs, boolean verbose) {
        boolean ok = diffs.stream().allMatch(d -> d.worst() <= 1.0);
        if (verbose || !ok) {
            System.out.println(title);
            diffs.forEach(System.out::println);
        }
        for (Diff d : diffs) {
            assertThat(d.worst()).as("%s", d).isLessThanOrEqualTo(1.0);
        }
    }

    /** Asserts closeness and returns the difference, for reports. */
    static Diff check(String name, Tensor mine, Tensor ref) {
        Diff d = diff(name, mine, ref);
        assertThat(d.worst()).as("%s", d).isLessThanOrEqualTo(1.0);
        return d;
    }
}
