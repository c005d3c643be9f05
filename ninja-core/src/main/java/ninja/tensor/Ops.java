package ninja.tensor;

import java.util.Arrays;

/**
 * Tensor-level operations for the readable (atomic) forward and backward: each one is a line of the lecture.
 * Matmuls and reductions run on {@link Kernels}, the same loops the fast training step uses.
 *
 * <p>Elementwise binary operations broadcast the way torch does for the shapes the lecture uses: equal shapes,
 * a row vector ({@code [m]} or {@code [1, m]}) against {@code [n, m]}, a column ({@code [n, 1]}) against
 * {@code [n, m]}, or a scalar. Every other combination is an error, never a silent broadcast.
 */
public final class Ops {
    private Ops() {
    }

    @FunctionalInterface
    public interface Binary {
        float apply(float a, float b);
    }

    @FunctionalInterface
    public interface Unary {
        float apply(float a);
    }

    /** a @ b for a[n,k], b[k,m]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        int n = a.dim(0), k = a.dim(1), m = b.dim(1);
        require(b.dim(0) == k, "matmul", a, b);
        Tensor out = Tensor.zeros(n, m);
        Kernels.matmul(a.data(), b.data(), null, out.data(), n, k, m);
        return out;
    }

    /** a.T @ b for a[n,k], b[n,m]: the weight gradient of a linear layer. */
    public static Tensor matmulAT(Tensor a, Tensor b) {
        int n = a.dim(0), k = a.dim(1), m = b.dim(1);
        require(b.dim(0) == n, "a.T @ b", a, b);
        Tensor out = Tensor.zeros(k, m);
        Kernels.matmulAT(a.data(), b.data(), out.data(), n, k, m);
        return out;
    }

    /** a @ b.T for a[n,k], b[m,k]: the input gradient of a linear layer. */
    public static Tensor matmulBT(Tensor a, Tensor b) {
        int n = a.dim(0), k = a.dim(1), m = b.dim(0);
        require(b.dim(1) == k, "a @ b.T", a, b);
        Tensor out = Tensor.zeros(n, m);
        Kernels.matmulBT(a.data(), b.data(), null, out.data(), n, k, m);
        return out;
    }

    /** a.sum(0, keepdim=keepdim) for a 2-D tensor. */
    public static Tensor sum0(Tensor a, boolean keepdim) {
        int n = a.dim(0), m = a.dim(1);
        Tensor out = keepdim ? Tensor.zeros(1, m) : Tensor.zeros(m);
        Kernels.sumRowsTorchOrder(a.data(), out.data(), n, m);
        return out;
    }

    /** a.sum(1, keepdim=True) for a 2-D tensor. */
    public static Tensor sum1(Tensor a) {
        int n = a.dim(0), m = a.dim(1);
        Tensor out = Tensor.zeros(n, 1);
        Kernels.sumCols(a.data(), out.data(), n, m);
        return out;
    }

    /** a.max(1, keepdim=True): values, and the first index of each row's maximum (torch's choice on ties). */
    public static Tensor max1(Tensor a, int[] argmax) {
        int n = a.dim(0), m = a.dim(1);
        Tensor out = Tensor.zeros(n, 1);
        float[] d = a.data();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < m; j++) {
                if (d[i * m + j] > d[i * m + best]) {
                    best = j;
                }
            }
            out.data()[i] = d[i * m + best];
            if (argmax != null) {
                argmax[i] = best;
            }
        }
        return out;
    }

    public static Tensor map(Tensor a, Unary f) {
        Tensor out = Tensor.zeros(a.shape());
        float[] x = a.data(), y = out.data();
        for (int i = 0; i < x.length; i++) {
            y[i] = f.apply(x[i]);
        }
        return out;
    }

    /** f(a, b) with torch broadcasting for the lecture's 2-D shapes; the result has the larger shape. */
    public static Tensor zip(Tensor a, Tensor b, Binary f) {
        boolean aBig = a.numel() >= b.numel();
        Tensor big = aBig ? a : b;
        Tensor small = aBig ? b : a;
        Tensor out = Tensor.zeros(big.shape());
        float[] x = big.data(), s = small.data(), y = out.data();
        int total = x.length;
        if (small.sameShape(big) || (small.numel() == total && small.rank() <= 1 && big.rank() <= 1)) {
            for (int i = 0; i < total; i++) {
                y[i] = aBig ? f.apply(x[i], s[i]) : f.apply(s[i], x[i]);
            }
            return out;
        }
        if (small.numel() == 1 && (small.rank() == 0 || big.rank() >= small.rank())) {
            for (int i = 0; i < total; i++) {
                y[i] = aBig ? f.apply(x[i], s[0]) : f.apply(s[0], x[i]);
            }
            return out;
        }
        require(big.rank() == 2, "broadcast", a, b);
        int n = big.dim(0), m = big.dim(1);
        boolean row = (small.rank() == 1 && small.dim(0) == m) || (small.rank() == 2 && small.dim(0) == 1 && small.dim(1) == m);
        boolean col = small.rank() == 2 && small.dim(0) == n && small.dim(1) == 1;
        require(row || col, "broadcast", a, b);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                float sv = row ? s[j] : s[i];
                float xv = x[i * m + j];
                y[i * m + j] = aBig ? f.apply(xv, sv) : f.apply(sv, xv);
            }
        }
        return out;
    }

    public static Tensor add(Tensor a, Tensor b) {
        return zip(a, b, (x, y) -> x + y);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return zip(a, b, (x, y) -> x - y);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return zip(a, b, (x, y) -> x * y);
    }

    public static Tensor mul(float s, Tensor a) {
        return map(a, x -> s * x);
    }

    /** In place a += b, with b broadcast to a's shape (the lecture's {@code dcounts += ...}). */
    public static void addInto(Tensor a, Tensor b) {
        Tensor sum = add(a, b);
        if (!sum.sameShape(a)) {
            throw new IllegalArgumentException("cannot add " + b.shapeString() + " into " + a.shapeString());
        }
        System.arraycopy(sum.data(), 0, a.data(), 0, a.numel());
    }

    private static void require(boolean ok, String op, Tensor a, Tensor b) {
        if (!ok) {
            throw new IllegalArgumentException(
                    op + ": shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " do not match");
        }
    }
}
