package ninja.tensor;

/**
 * Torch's broadcasting, restricted so that it cannot hide a shape error: one operand keeps its shape and the
 * other is stretched to it (shapes aligned on the right; each dimension of the smaller equal or 1, missing
 * leading dimensions count as 1). A broadcast that would stretch both ({@code [n, 1]} with {@code [1, m]} or
 * with {@code [m]}, where torch silently makes an {@code [n, m]} outer product) is refused: in the lecture that is
 * always a forgotten {@code keepdim} or a transposed gradient.
 */
final class Broadcast {
    private Broadcast() {
    }

    /** True when {@code small} stretches to {@code big}'s shape without changing {@code big}. */
    static boolean fits(int[] small, int[] big) {
        if (small.length > big.length) {
            return false;
        }
        int off = big.length - small.length;
        for (int i = 0; i < small.length; i++) {
            if (small[i] != big[off + i] && small[i] != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * For each element of {@code big}'s shape in row-major order, the flat index of the element of
     * {@code small} it meets; {@code small} must {@link #fits fit}.
     */
    static void map(int[] small, int[] big, int[] out) {
        int rank = big.length, off = rank - small.length;
        int[] stride = new int[rank]; // small's stride per dimension of big, 0 where stretched
        for (int d = rank - 1, s = 1; d >= off; d--) {
            int size = small[d - off];
            stride[d] = size == 1 ? 0 : s;
            s *= size;
        }
        int[] idx = new int[rank];
        int flat = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = flat;
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < big[d]) {
                    flat += stride[d];
                    break;
                }
                flat -= stride[d] * (big[d] - 1);
                idx[d] = 0;
            }
        }
    }
}
