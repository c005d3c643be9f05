package ninja.tensor;

/**
 * The inner loops every kernel is made of, behind one switch: the Vector API ({@code jdk.incubator.vector}) when
 * the JVM was started with {@code --add-modules jdk.incubator.vector} (the {@code ./ninja} launcher does that),
 * plain loops otherwise ({@code -Dninja.scalar=true} forces them).
 *
 * <p>Determinism: every method fixes its order of float operations; nothing depends on timing, threads or JIT
 * state (no {@code reduceLanes(ADD)}, whose order the Vector API leaves open). The two paths differ from each
 * other only in the order of additions and in fused multiply-adds.
 */
public abstract class Simd {
    /** The implementation in use, fixed at class initialisation (a static final, so the JIT inlines it). */
    public static final Simd INSTANCE = select();

    private static Simd select() {
        if (!Boolean.getBoolean("ninja.scalar")
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (Simd) Class.forName("ninja.tensor.VectorSimd").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar loops
            }
        }
        return new ScalarSimd();
    }

    /** A short name for reports: "vector-256" or "scalar". */
    public abstract String name();

    /** {@code sum_i x[xo+i] * y[yo+i]} for i in [0, len). */
    public abstract float dot(float[] x, int xo, float[] y, int yo, int len);

    /** {@code y[yo+i] += a * x[xo+i]} for i in [0, len). */
    public abstract void axpy(float a, float[] x, int xo, float[] y, int yo, int len);

    /**
     * {@code out[r, c] = (sum_t A[r, t] * b[t, c]) + bias[c]} with {@code A[r, t] = a[r * aRow + t * aCol]}, b and out
     * row-major ({@code cols} wide); bias may be null. With (aRow, aCol) = (inner, 1) this is {@code a @ b}, with
     * (1, rows) it is {@code a.T @ b}. Inner loop: rows of b and out. Only rows r in [rowFrom, rowTo) are written,
     * each with the same operations whatever the range ({@link Parallel} splits by rows).
     */
    public abstract void gemm(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rowFrom,
            int rowTo, int inner, int cols);

    /**
     * {@code out[i, j] = sum_t a[i, t] * b[j, t] (+ bias[j])}, a[n,k], b[m,k]: dot products of rows, for the rows i
     * in [rowFrom, rowTo) only (each computed the same whatever the range).
     */
    public abstract void gemmBT(float[] a, float[] b, float[] bias, float[] out, int rowFrom, int rowTo, int k, int m);

    /**
     * {@link #gemmBT} over rows cut in two parts: {@code a = [a0 | a1]} ({@code [n, k0]} and {@code [n, k1]}), {@code
     * b = [b0 | b1]} ({@code [m, k0]}, {@code [m, k1]}); bit-identical to gemmBT on the joined arrays, k = k0 + k1.
     * k0 must be a multiple of 8 (the vector kernels' lanes run on across the cut). For a step that keeps each
     * thread's hidden units in arrays of its own ({@link ninja.nn.UnitSplitStep}).
     */
    public abstract void gemmBT2(float[] a0, float[] a1, float[] b0, float[] b1, float[] bias, float[] out,
            int rowFrom, int rowTo, int k0, int k1, int m);

    /**
     * {@link #gemmBT} from b packed by {@link Kernels#packBT}: bit-identical to {@code gemmBT(a, b, ...)} on the same
     * implementation, for the rows i in [rowFrom, rowTo) only. The vector path then needs no horizontal sums (its
     * lanes run across columns), which cost as much as the multiply-adds when k is small.
     */
    public abstract void gemmBTPacked(float[] a, float[] bP, float[] bias, float[] out, int rowFrom, int rowTo, int k,
            int m);

    /**
     * {@code out[j] = factor * sum_i a[i, j]} over the n rows of a[n, m], added row by row from 0 (the same order as
     * {@link #add} on each row), then multiplied once (as {@link #scale} after the sum; factor 1 is exact); with mean
     * not null the sum of {@code (a[i, j] - mean[j])^2} instead, as {@link #addSquaredDiff} on each row. One pass,
     * the column sums kept in registers. The factor saves the training step a separate call to {@link #scale}: a
     * small kernel that, once in a few runs, stayed in C1 code (no Vector API intrinsics) and halved the speed.
     */
    public abstract void colSums(float[] a, float[] mean, float factor, int n, int m, float[] out);

    /** {@code acc[j] += (x[xo+j] - mean[j])^2} for j in [0, len). */
    public abstract void addSquaredDiff(float[] x, int xo, float[] mean, float[] acc, int len);

    /** {@code out[oo+i] = tanh(x[xo+i])} as {@link FastMath#tanh} (within an ulp of Math.tanh), out may be x. */
    public abstract void tanh(float[] x, int xo, float[] out, int oo, int len);

    /**
     * One row of batchnorm without the tanh: {@code raw = (x - mean) * inv;  out = gain * raw + bias} (each product
     * and sum rounded on its own, no fused multiply-add), raw and out at offset {@code o} like x.
     */
    public abstract void normalize(float[] x, float[] mean, float[] inv, float[] gain, float[] bias, float[] raw,
            float[] out, int o, int len);

    /**
     * {@code acc[ao+j] += x[xo+j]} in double, for j in [0, len): a row (or a run of its columns) into column sums that
     * round once at the end.
     */
    public abstract void addDouble(float[] x, int xo, double[] acc, int ao, int len);

    /** {@code d = x[xo+j] - mean[ao+j]} in double, {@code acc[ao+j] += d * d} (product and sum each rounded). */
    public abstract void addSquaredDiffDouble(float[] x, int xo, double[] mean, double[] acc, int ao, int len);

    /**
     * One row of BatchNorm1d's forward: {@code xhat = (x - mean) / std;  out = gain * xhat + bias} (a division,
     * as the lecture writes it; each operation rounded on its own), xhat and out at offset {@code o} like x.
     */
    public abstract void normalizeDiv(float[] x, float[] mean, float[] std, float[] gain, float[] bias, float[] xhat,
            float[] out, int o, int len);

    /** {@code dh = (1 - h^2) * dh} in place: the tanh backward, turning dh into dhpreact. */
    public abstract void tanhBackward(float[] h, float[] dh, int o, int len);

    /** {@code dbnbias[ao+j] += dhpreact[o+j];  dbngain[ao+j] += dhpreact[o+j] * bnraw[o+j]}. */
    public abstract void bnSums(float[] dhpreact, float[] bnraw, int o, float[] dbngain, float[] dbnbias, int ao,
            int len);

    /**
     * One row of the fused batchnorm backward:
     * {@code dhprebn = scale * (fn * dhpreact - dbnbias - bessel * bnraw * dbngain)}, scale per unit.
     */
    public abstract void bnBackwardRow(float[] dhpreact, float[] bnraw, int o, float[] scale, float[] dbnbias,
            float[] dbngain, float fn, float bessel, float[] dhprebn, int len);

    /** The largest of x[xo..xo+len). */
    public abstract float max(float[] x, int xo, int len);

    /** {@code out[oo+i] = exp(x[xo+i] - shift)} (out may be null); returns their sum. */
    public abstract float expShiftSum(float[] x, int xo, float shift, float[] out, int oo, int len);

    /** {@code x[xo+i] *= a}. */
    public abstract void scale(float a, float[] x, int xo, int len);

    /** {@code x[xo+i] = x[xo+i] * a / b} (multiply, then divide, each rounded). */
    public abstract void scaleDiv(float[] x, int xo, float a, float b, int len);

    /** {@code y[i] += x[xo+i]} for i in [0, len). */
    public abstract void add(float[] x, int xo, float[] y, int len);

    /** The plain-loop implementation, also the reference for the vector one. */
    static final class ScalarSimd extends Simd {
        @Override
        public String name() {
            return "scalar";
        }

        @Override
        public float dot(float[] x, int xo, float[] y, int yo, int len) {
            float s = 0f;
            for (int i = 0; i < len; i++) {
                s += x[xo + i] * y[yo + i];
            }
            return s;
        }

        @Override
        public void axpy(float a, float[] x, int xo, float[] y, int yo, int len) {
            for (int i = 0; i < len; i++) {
                y[yo + i] += a * x[xo + i];
            }
        }

        @Override
        public void gemm(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rowFrom,
                int rowTo, int inner, int cols) {
            for (int r = rowFrom; r < rowTo; r++) {
                int o = r * cols;
                java.util.Arrays.fill(out, o, o + cols, 0f);
                for (int t = 0; t < inner; t++) {
                    axpy(a[r * aRow + t * aCol], b, t * cols, out, o, cols);
                }
                if (bias != null) {
                    for (int c = 0; c < cols; c++) {
                        out[o + c] += bias[c];
                    }
                }
            }
        }

        @Override
        public void gemmBT(float[] a, float[] b, float[] bias, float[] out, int rowFrom, int rowTo, int k, int m) {
            for (int i = rowFrom; i < rowTo; i++) {
                for (int j = 0; j < m; j++) {
                    float s = dot(a, i * k, b, j * k, k);
                    out[i * m + j] = bias != null ? s + bias[j] : s;
                }
            }
        }

        /** Each element's products added from t = 0 as {@link #dot} adds them, on from a0's into a1's. */
        @Override
        public void gemmBT2(float[] a0, float[] a1, float[] b0, float[] b1, float[] bias, float[] out, int rowFrom,
                int rowTo, int k0, int k1, int m) {
            if (k0 % 8 != 0) {
                throw new IllegalArgumentException("gemmBT2: the first part's length " + k0 + " is not a multiple of 8");
            }
            for (int i = rowFrom; i < rowTo; i++) {
                for (int j = 0; j < m; j++) {
                    float s = 0f;
                    for (int t = 0; t < k0; t++) {
                        s += a0[i * k0 + t] * b0[j * k0 + t];
                    }
                    for (int t = 0; t < k1; t++) {
                        s += a1[i * k1 + t] * b1[j * k1 + t];
                    }
                    out[i * m + j] = bias != null ? s + bias[j] : s;
                }
            }
        }

        /**
         * Row by row and panel by panel, each element's products added from t = 0 as {@link #dot} adds them, then the
         * bias (the last panel's columns shared with the one before are recomputed to the same values).
         */
        @Override
        public void gemmBTPacked(float[] a, float[] bP, float[] bias, float[] out, int rowFrom, int rowTo, int k,
                int m) {
            int w = Math.min(Kernels.PANEL, m);
            for (int i = rowFrom; i < rowTo; i++) {
                for (int j = 0, pb = 0; j < m; j += w, pb += k * w) {
                    int o = i * m + Math.min(j, m - w);
                    java.util.Arrays.fill(out, o, o + w, 0f);
                    for (int t = 0; t < k; t++) {
                        axpy(a[i * k + t], bP, pb + t * w, out, o, w);
                    }
                    for (int c = 0; bias != null && c < w; c++) {
                        out[o + c] += bias[o - i * m + c];
                    }
                }
            }
        }

        @Override
        public void colSums(float[] a, float[] mean, float factor, int n, int m, float[] out) {
            java.util.Arrays.fill(out, 0, m, 0f);
            for (int i = 0; i < n; i++) {
                if (mean == null) {
                    add(a, i * m, out, m);
                } else {
                    addSquaredDiff(a, i * m, mean, out, m);
                }
            }
            scale(factor, out, 0, m);
        }

        @Override
        public void addSquaredDiff(float[] x, int xo, float[] mean, float[] acc, int len) {
            for (int j = 0; j < len; j++) {
                float d = x[xo + j] - mean[j];
                acc[j] += d * d;
            }
        }

        @Override
        public void tanh(float[] x, int xo, float[] out, int oo, int len) {
            for (int i = 0; i < len; i++) {
                out[oo + i] = FastMath.tanh(x[xo + i]);
            }
        }

        @Override
        public void normalize(float[] x, float[] mean, float[] inv, float[] gain, float[] bias, float[] raw,
                float[] out, int o, int len) {
            for (int j = 0; j < len; j++) {
                float r = (x[o + j] - mean[j]) * inv[j];
                raw[o + j] = r;
                out[o + j] = gain[j] * r + bias[j];
            }
        }

        @Override
        public void addDouble(float[] x, int xo, double[] acc, int ao, int len) {
            for (int j = 0; j < len; j++) {
                acc[ao + j] += x[xo + j];
            }
        }

        @Override
        public void addSquaredDiffDouble(float[] x, int xo, double[] mean, double[] acc, int ao, int len) {
            for (int j = 0; j < len; j++) {
                double d = x[xo + j] - mean[ao + j];
                acc[ao + j] += d * d;
            }
        }

        @Override
        public void normalizeDiv(float[] x, float[] mean, float[] std, float[] gain, float[] bias, float[] xhat,
                float[] out, int o, int len) {
            for (int j = 0; j < len; j++) {
                float h = (x[o + j] - mean[j]) / std[j];
                xhat[o + j] = h;
                out[o + j] = gain[j] * h + bias[j];
            }
        }

        @Override
        public void tanhBackward(float[] h, float[] dh, int o, int len) {
            for (int j = 0; j < len; j++) {
                float y = h[o + j];
                dh[o + j] = (1f - y * y) * dh[o + j];
            }
        }

        @Override
        public void bnSums(float[] dhpreact, float[] bnraw, int o, float[] dbngain, float[] dbnbias, int ao,
                int len) {
            for (int j = 0; j < len; j++) {
                dbnbias[ao + j] += dhpreact[o + j];
                dbngain[ao + j] += dhpreact[o + j] * bnraw[o + j];
            }
        }

        @Override
        public void bnBackwardRow(float[] dhpreact, float[] bnraw, int o, float[] scale, float[] dbnbias,
                float[] dbngain, float fn, float bessel, float[] dhprebn, int len) {
            for (int j = 0; j < len; j++) {
                dhprebn[o + j] = scale[j] * (fn * dhpreact[o + j] - dbnbias[j] - bessel * bnraw[o + j] * dbngain[j]);
            }
        }

        @Override
        public float max(float[] x, int xo, int len) {
            float m = x[xo];
            for (int i = 1; i < len; i++) {
                m = Math.max(m, x[xo + i]);
            }
            return m;
        }

        @Override
        public float expShiftSum(float[] x, int xo, float shift, float[] out, int oo, int len) {
            float s = 0f;
            for (int i = 0; i < len; i++) {
                float e = FastMath.exp(x[xo + i] - shift);
                if (out != null) {
                    out[oo + i] = e;
                }
                s += e;
            }
            return s;
        }

        @Override
        public void scaleDiv(float[] x, int xo, float a, float b, int len) {
            for (int i = 0; i < len; i++) {
                x[xo + i] = x[xo + i] * a / b;
            }
        }

        @Override
        public void add(float[] x, int xo, float[] y, int len) {
            for (int i = 0; i < len; i++) {
                y[i] += x[xo + i];
            }
        }

        @Override
        public void scale(float a, float[] x, int xo, int len) {
            for (int i = 0; i < len; i++) {
                x[xo + i] *= a;
            }
        }
    }
}
