package ninja.tensor;

import java.util.Arrays;

/**
 * Tensor-level operations for the readable (atomic) forward and backward: each one is a line of the lecture.
 * Matmuls and reductions run on {@link Kernels}, the same loops the fast training step uses. Every operation
 * returns a new tensor (but {@link #addInto}); tensors of any rank, dimensions negative from the end as in torch.
 *
 * <p>Elementwise binary operations broadcast as torch does, with one restriction: one operand keeps its shape
 * and the other is stretched to it, e.g. a row ({@code [m]} or {@code [1, m]}) or a column ({@code [n, 1]})
 * against {@code [n, m]}, {@code [C]} or {@code [1, 1, C]} against {@code [B, T, C]}, or a scalar. A broadcast that
 * would stretch both operands ({@code [n, 1]} with {@code [m]}: torch's silent outer product) or a mismatch
 * ({@code [n]} against {@code [n, m]}, n != m) is an error naming both shapes, never a silent broadcast.
 */
public final class Ops {
    private Ops() {
    }

    /** f(a, b) of two floats, for {@link #zip}. */
    @FunctionalInterface
    public interface Binary {
        float apply(float a, float b);
    }

    /** f(x) of one float, for {@link #map}. */
    @FunctionalInterface
    public interface Unary {
        float apply(float a);
    }

    /** a @ b for a[n,k], b[k,m]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        require2d("matmul", a, b);
        int n = a.dim(0), k = a.dim(1), m = b.dim(1);
        require(b.dim(0) == k, "matmul", a, b);
        Tensor out = Tensor.zeros(n, m);
        Kernels.matmul(a.data(), b.data(), null, out.data(), n, k, m);
        return out;
    }

    /** a.T @ b for a[n,k], b[n,m]: the weight gradient of a linear layer. */
    public static Tensor matmulAT(Tensor a, Tensor b) {
        require2d("a.T @ b", a, b);
        int n = a.dim(0), k = a.dim(1), m = b.dim(1);
        require(b.dim(0) == n, "a.T @ b", a, b);
        Tensor out = Tensor.zeros(k, m);
        Kernels.matmulAT(a.data(), b.data(), out.data(), n, k, m);
        return out;
    }

    /** a @ b.T for a[n,k], b[m,k]: the input gradient of a linear layer. */
    public static Tensor matmulBT(Tensor a, Tensor b) {
        require2d("a @ b.T", a, b);
        int n = a.dim(0), k = a.dim(1), m = b.dim(0);
        require(b.dim(1) == k, "a @ b.T", a, b);
        Tensor out = Tensor.zeros(n, m);
        Kernels.matmulBT(a.data(), b.data(), null, out.data(), n, k, m);
        return out;
    }

    // ---- reductions ----

    /** a.sum(0, keepdim=keepdim) for a 2-D tensor, added in ATen's order (see {@link #sum(Tensor, int, boolean)}). */
    public static Tensor sum0(Tensor a, boolean keepdim) {
        requireRank("sum0", a, 2);
        return sum(a, 0, keepdim);
    }

    /** a.sum(1, keepdim=True) for a 2-D tensor. */
    public static Tensor sum1(Tensor a) {
        return sum1(a, true);
    }

    /** a.sum(1, keepdim=keepdim) for a 2-D tensor. */
    public static Tensor sum1(Tensor a, boolean keepdim) {
        requireRank("sum1", a, 2);
        return sum(a, 1, keepdim);
    }

    /**
     * a.sum(dim, keepdim=keepdim) for a tensor of any rank. Over the last dimension each sum runs left to right;
     * over any other, rows are added in the order of ATen's CPU kernel for a 2-D {@code sum(0)} (its cascade,
     * {@link Kernels#sumRowsTorchOrder}), slice by slice, so the readable backward rounds like the lecture's.
     */
    public static Tensor sum(Tensor a, int dim, boolean keepdim) {
        int d = a.axis(dim);
        int[] s = a.shape();
        int outer = prod(s, 0, d), n = s[d], inner = prod(s, d + 1, s.length);
        Tensor out = Tensor.zeros(reduced(s, d, keepdim));
        float[] x = a.data(), y = out.data();
        if (d == s.length - 1) {
            Kernels.sumCols(x, y, outer, n);
        } else if (outer == 1) {
            Kernels.sumRowsTorchOrder(x, y, n, inner);
        } else {
            float[] slice = new float[n * inner], sums = new float[inner];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(x, o * n * inner, slice, 0, slice.length);
                Kernels.sumRowsTorchOrder(slice, sums, n, inner);
                System.arraycopy(sums, 0, y, o * inner, inner);
            }
        }
        return out;
    }

    /**
     * a.sum(dims, keepdim=keepdim), e.g. {@code sum(x, new int[] {0, 1}, true)} for batchnorm over {@code [B, T, C]}.
     * Adjacent dimensions are summed as one (as ATen does for a contiguous tensor); others one after another,
     * the last first.
     */
    public static Tensor sum(Tensor a, int[] dims, boolean keepdim) {
        int[] ds = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            ds[i] = a.axis(dims[i]);
        }
        Arrays.sort(ds);
        for (int i = 1; i < ds.length; i++) {
            if (ds[i] == ds[i - 1]) {
                throw new IllegalArgumentException("sum: dimension " + ds[i] + " given twice");
            }
        }
        if (ds.length == 0) {
            return a.copy();
        }
        int[] s = a.shape();
        if (ds[ds.length - 1] - ds[0] == ds.length - 1) {
            int lo = ds[0], hi = ds[ds.length - 1] + 1;
            // trailing dimensions are a last dimension (summed left to right), others a middle one
            Tensor flat = hi == s.length ? a.view(prod(s, 0, lo), prod(s, lo, hi))
                    : a.view(prod(s, 0, lo), prod(s, lo, hi), prod(s, hi, s.length));
            int[] shape = new int[keepdim ? s.length : s.length - ds.length];
            for (int i = 0, j = 0; i < s.length; i++) {
                if (i < lo || i >= hi) {
                    shape[j++] = s[i];
                } else if (keepdim) {
                    shape[j++] = 1;
                }
            }
            return sum(flat, 1, false).view(shape);
        }
        Tensor out = a;
        for (int i = ds.length - 1; i >= 0; i--) {
            out = sum(out, ds[i], keepdim);
        }
        return out;
    }

    /** The sum of every element, a scalar tensor (torch's {@code a.sum()}), added left to right. */
    public static Tensor sum(Tensor a) {
        float s = 0f;
        for (float v : a.data()) {
            s += v;
        }
        return Tensor.scalar(s);
    }

    /** a.mean(dim, keepdim=keepdim): the sum divided by the dimension's size. */
    public static Tensor mean(Tensor a, int dim, boolean keepdim) {
        float n = a.dim(dim);
        return map(sum(a, dim, keepdim), x -> x / n);
    }

    /** The result of {@link #max}: the maxima, and the index along the reduced dimension of each (row-major). */
    public record Max(Tensor values, int[] indices) {
    }

    /** a.max(dim, keepdim=keepdim): the values and the first index of each maximum (torch's choice on ties). */
    public static Max max(Tensor a, int dim, boolean keepdim) {
        int d = a.axis(dim);
        int[] s = a.shape();
        int outer = prod(s, 0, d), n = s[d], inner = prod(s, d + 1, s.length);
        if (n == 0) {
            throw new IllegalArgumentException("max over dimension " + d + " of size 0 (shape " + a.shapeString() + ")");
        }
        Tensor out = Tensor.zeros(reduced(s, d, keepdim));
        int[] idx = new int[outer * inner];
        float[] x = a.data(), y = out.data();
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < inner; c++) {
                int base = o * n * inner + c, best = 0;
                for (int j = 1; j < n; j++) {
                    if (x[base + j * inner] > x[base + best * inner]) {
                        best = j;
                    }
                }
                y[o * inner + c] = x[base + best * inner];
                idx[o * inner + c] = best;
            }
        }
        return new Max(out, idx);
    }

    /** a.max(1, keepdim=True): values, and the first index of each row's maximum (torch's choice on ties). */
    public static Tensor max1(Tensor a, int[] argmax) {
        requireRank("max1", a, 2);
        Max m = max(a, 1, true);
        if (argmax != null) {
            System.arraycopy(m.indices(), 0, argmax, 0, m.indices().length);
        }
        return m.values();
    }

    // ---- elementwise ----

    /** f applied to every element, e.g. {@code Ops.map(x, v -> 1.0f / v)}. */
    public static Tensor map(Tensor a, Unary f) {
        Tensor out = Tensor.zeros(a.shape());
        float[] x = a.data(), y = out.data();
        for (int i = 0; i < x.length; i++) {
            y[i] = f.apply(x[i]);
        }
        return out;
    }

    /** -a. */
    public static Tensor neg(Tensor a) {
        return map(a, x -> -x);
    }

    /** a.exp(), in float32 (each value rounded from Math.exp). */
    public static Tensor exp(Tensor a) {
        return map(a, x -> (float) Math.exp(x));
    }

    /** a.log(), the natural logarithm. */
    public static Tensor log(Tensor a) {
        return map(a, x -> (float) Math.log(x));
    }

    /** torch.tanh(a). */
    public static Tensor tanh(Tensor a) {
        return map(a, x -> (float) Math.tanh(x));
    }

    /** a.sqrt(). */
    public static Tensor sqrt(Tensor a) {
        return map(a, x -> (float) Math.sqrt(x));
    }

    /**
     * a**p. As ATen does, the exponents 2, 3, -1, -2, 0.5 and -0.5 are computed as products, reciprocals and
     * square roots in float32 (so {@code (bnvar + 1e-5)**-0.5} is {@code 1 / sqrt(bnvar + 1e-5)}), any other by pow.
     */
    public static Tensor pow(Tensor a, float p) {
        if (p == 2f) {
            return map(a, x -> x * x);
        } else if (p == 3f) {
            return map(a, x -> x * x * x);
        } else if (p == -1f) {
            return map(a, x -> 1f / x);
        } else if (p == -2f) {
            return map(a, x -> 1f / (x * x));
        } else if (p == 0.5f) {
            return sqrt(a);
        } else if (p == -0.5f) {
            return map(a, x -> 1f / (float) Math.sqrt(x));
        }
        return map(a, x -> (float) Math.pow(x, p));
    }

    /**
     * f(a, b) elementwise with broadcasting (see the class comment); the result has the shape of the operand the
     * other is stretched to. Arguments reach f in order: f(element of a, element of b).
     */
    public static Tensor zip(Tensor a, Tensor b, Binary f) {
        int[] sa = a.shape(), sb = b.shape();
        boolean bFits = Broadcast.fits(sb, sa);
        require(bFits || Broadcast.fits(sa, sb), "broadcast", a, b);
        Tensor big = bFits ? a : b, small = bFits ? b : a;
        Tensor out = Tensor.zeros(big.shape());
        float[] x = a.data(), z = b.data(), y = out.data();
        int total = y.length;
        if (a.numel() == b.numel()) {
            for (int i = 0; i < total; i++) {
                y[i] = f.apply(x[i], z[i]);
            }
        } else if (small.numel() == 1) {
            float s = small.data()[0];
            for (int i = 0; i < total; i++) {
                y[i] = bFits ? f.apply(x[i], s) : f.apply(s, z[i]);
            }
        } else {
            int[] at = new int[total];
            Broadcast.map(small.shape(), big.shape(), at);
            for (int i = 0; i < total; i++) {
                y[i] = bFits ? f.apply(x[i], z[at[i]]) : f.apply(x[at[i]], z[i]);
            }
        }
        return out;
    }

    /** a + b, broadcast. */
    public static Tensor add(Tensor a, Tensor b) {
        return zip(a, b, (x, y) -> x + y);
    }

    /** a + s for a float s. */
    public static Tensor add(Tensor a, float s) {
        return map(a, x -> x + s);
    }

    /** a - b, broadcast. */
    public static Tensor sub(Tensor a, Tensor b) {
        return zip(a, b, (x, y) -> x - y);
    }

    /** s - a for a float s (e.g. {@code 1 - h**2}). */
    public static Tensor sub(float s, Tensor a) {
        return map(a, x -> s - x);
    }

    /** a * b, broadcast. */
    public static Tensor mul(Tensor a, Tensor b) {
        return zip(a, b, (x, y) -> x * y);
    }

    /** s * a for a float s. */
    public static Tensor mul(float s, Tensor a) {
        return map(a, x -> s * x);
    }

    /** a * s for a float s. */
    public static Tensor mul(Tensor a, float s) {
        return map(a, x -> x * s);
    }

    /** a / b, broadcast. */
    public static Tensor div(Tensor a, Tensor b) {
        return zip(a, b, (x, y) -> x / y);
    }

    /** a / s for a float s. */
    public static Tensor div(Tensor a, float s) {
        return map(a, x -> x / s);
    }

    /** In place a += b, with b broadcast to a's shape (the lecture's {@code dcounts += ...}). */
    public static void addInto(Tensor a, Tensor b) {
        if (!Broadcast.fits(b.shape(), a.shape())) {
            throw new IllegalArgumentException("cannot add " + b.shapeString() + " into " + a.shapeString());
        }
        System.arraycopy(add(a, b).data(), 0, a.data(), 0, a.numel());
    }

    // ---- shapes and indexing ----

    /** The transpose of a 2-D tensor (torch's {@code a.T}), a new tensor. */
    public static Tensor transpose(Tensor a) {
        requireRank("transpose", a, 2);
        return transpose(a, 0, 1);
    }

    /** a.transpose(d0, d1) for any rank, a new tensor (contiguous, not a view). */
    public static Tensor transpose(Tensor a, int d0, int d1) {
        int p = a.axis(d0), q = a.axis(d1);
        int[] s = a.shape(), t = a.shape();
        t[p] = s[q];
        t[q] = s[p];
        Tensor out = Tensor.zeros(t);
        int[] stride = new int[s.length]; // out's stride for each dimension of a
        for (int d = t.length - 1, st = 1; d >= 0; d--) {
            stride[d == p ? q : d == q ? p : d] = st;
            st *= t[d];
        }
        float[] x = a.data(), y = out.data();
        int[] idx = new int[s.length];
        int flat = 0;
        for (int i = 0; i < x.length; i++) {
            y[flat] = x[i];
            for (int d = s.length - 1; d >= 0; d--) {
                if (++idx[d] < s[d]) {
                    flat += stride[d];
                    break;
                }
                flat -= stride[d] * (s[d] - 1);
                idx[d] = 0;
            }
        }
        return out;
    }

    /** F.one_hot(idx, numClasses) as float32: {@code [idx.length, numClasses]}, 1 at each {@code [i, idx[i]]}. */
    public static Tensor oneHot(int[] idx, int numClasses) {
        Tensor out = Tensor.zeros(idx.length, numClasses);
        for (int i = 0; i < idx.length; i++) {
            out.set(i, checkIndex("oneHot", idx[i], numClasses), 1f);
        }
        return out;
    }

    /** a[range(n), cols] for a 2-D a: one element per row, {@code [n]} (the lecture's {@code logprobs[range(n), Yb]}). */
    public static Tensor pick(Tensor a, int[] cols) {
        requireRank("pick", a, 2);
        if (cols.length != a.dim(0)) {
            throw new IllegalArgumentException("pick: " + cols.length + " indices for " + a.dim(0) + " rows of "
                    + a.shapeString());
        }
        Tensor out = Tensor.zeros(cols.length);
        for (int i = 0; i < cols.length; i++) {
            out.data()[i] = a.get(i, checkIndex("pick", cols[i], a.dim(1)));
        }
        return out;
    }

    /**
     * table[idx] for a 2-D table, viewed as {@code shape + [table.dim(1)]} (the lecture's {@code C[Xb]} is
     * {@code rows(C, Xb, n, block_size)}); no shape means {@code [idx.length, table.dim(1)]}.
     */
    public static Tensor rows(Tensor table, int[] idx, int... shape) {
        requireRank("rows", table, 2);
        int e = table.dim(1);
        int[] s = Arrays.copyOf(shape.length == 0 ? new int[] {idx.length} : shape, Math.max(1, shape.length) + 1);
        s[s.length - 1] = e;
        Tensor out = Tensor.zeros(s);
        if (out.numel() != idx.length * e) {
            throw new IllegalArgumentException("rows: shape " + Arrays.toString(shape) + " for " + idx.length + " indices");
        }
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(table.data(), checkIndex("rows", idx[i], table.dim(0)) * e, out.data(), i * e, e);
        }
        return out;
    }

    /**
     * In place target[idx[i]] += src[i] for a 2-D target, in the order of idx, repeated indices accumulating
     * (the backward of {@link #rows}: {@code dC} from {@code demb}); src holds {@code idx.length} rows of
     * {@code target.dim(1)} values, any shape.
     */
    public static void indexAdd(Tensor target, int[] idx, Tensor src) {
        requireRank("indexAdd", target, 2);
        int e = target.dim(1);
        if (src.numel() != idx.length * e) {
            throw new IllegalArgumentException("indexAdd: " + src.shapeString() + " is not " + idx.length + " rows of "
                    + e + " for " + target.shapeString());
        }
        float[] t = target.data(), x = src.data();
        for (int i = 0; i < idx.length; i++) {
            int row = checkIndex("indexAdd", idx[i], target.dim(0)) * e;
            for (int j = 0; j < e; j++) {
                t[row + j] += x[i * e + j];
            }
        }
    }

    // ---- checks ----

    private static int checkIndex(String op, int i, int size) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(op + ": index " + i + " is out of bounds for size " + size);
        }
        return i;
    }

    private static int prod(int[] s, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }

    private static int[] reduced(int[] s, int d, boolean keepdim) {
        if (keepdim) {
            int[] r = s.clone();
            r[d] = 1;
            return r;
        }
        int[] r = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i != d) {
                r[j++] = s[i];
            }
        }
        return r;
    }

    private static void requireRank(String op, Tensor a, int rank) {
        if (a.rank() != rank) {
            throw new IllegalArgumentException(op + ": needs a " + rank + "-D tensor, got shape " + a.shapeString());
        }
    }

    private static void require2d(String op, Tensor a, Tensor b) {
        require(a.rank() == 2 && b.rank() == 2, op + " (2-D only)", a, b);
    }

    private static void require(boolean ok, String op, Tensor a, Tensor b) {
        if (!ok) {
            throw new IllegalArgumentException(
                    op + ": shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " do not match");
        }
    }
}
