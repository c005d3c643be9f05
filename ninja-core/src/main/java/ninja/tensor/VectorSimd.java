package ninja.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd} on the Vector API. Loaded by name only when the incubator module is present.
 * The species sits in a static final field: in an instance field the JIT cannot specialise the loops.
 * 256-bit vectors did as well as 512-bit ones on this model's sizes and run on every AVX2 machine.
 *
 * <p>The matmuls keep several accumulators in registers (4 rows x 2 vectors for {@link #gemm}, 4 x 3 dot
 * products for {@link #gemmBT}) so that each loaded vector feeds several fused multiply-adds. Horizontal sums
 * add the lanes in a fixed order (never {@code reduceLanes(ADD)}, whose order may change once the JIT compiles),
 * so results are bit-identical run to run. Scalar tails use {@link Math#fma} like the lanes, so an element's
 * value does not depend on whether it fell in a vector or a tail.
 */
final class VectorSimd extends Simd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f);

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    /** Lanes added in a fixed order: ((0+1)+(2+3))+((4+5)+(6+7)) for 8 lanes. */
    private static float hsum(FloatVector v) {
        if (L == 8) {
            return ((v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3)))
                    + ((v.lane(4) + v.lane(5)) + (v.lane(6) + v.lane(7)));
        }
        float s = v.lane(0);
        for (int i = 1; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    @Override
    public float dot(float[] x, int xo, float[] y, int yo, int len) {
        int bound = len - len % L;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) {
            acc = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc);
        }
        float s = bound > 0 ? hsum(acc) : 0f;
        for (int i = bound; i < len; i++) {
            s = Math.fma(x[xo + i], y[yo + i], s);
        }
        return s;
    }

    @Override
    public void axpy(float a, float[] x, int xo, float[] y, int yo, int len) {
        int i = 0;
        int bound = len - len % L;
        if (bound > 0) {
            FloatVector va = FloatVector.broadcast(S, a);
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < len; i++) {
            y[yo + i] = Math.fma(x[xo + i], a, y[yo + i]);
        }
    }

    @Override
    public void gemm(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rows, int inner,
            int cols) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            gemm4(a, aRow, aCol, b, bias, out, r, inner, cols);
        }
        for (; r < rows; r++) {
            gemm1(a, aRow, aCol, b, bias, out, r, inner, cols);
        }
    }

    /** Four rows of out: 4 x 2 accumulators, each b vector loaded once per t and used four times. */
    private static void gemm4(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int r, int inner,
            int cols) {
        int a0 = r * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector x00 = FloatVector.zero(S), x01 = x00;
            FloatVector x10 = x00, x11 = x01, x20 = x00, x21 = x01, x30 = x00, x31 = x01;
            for (int t = 0; t < inner; t++) {
                int bo = t * cols + c, ao = t * aCol;
                FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
                FloatVector v0 = FloatVector.broadcast(S, a[a0 + ao]);
                x00 = b0.fma(v0, x00);
                x01 = b1.fma(v0, x01);
                FloatVector v1 = FloatVector.broadcast(S, a[a1 + ao]);
                x10 = b0.fma(v1, x10);
                x11 = b1.fma(v1, x11);
                FloatVector v2 = FloatVector.broadcast(S, a[a2 + ao]);
                x20 = b0.fma(v2, x20);
                x21 = b1.fma(v2, x21);
                FloatVector v3 = FloatVector.broadcast(S, a[a3 + ao]);
                x30 = b0.fma(v3, x30);
                x31 = b1.fma(v3, x31);
            }
            int o = r * cols + c;
            (bias != null ? x00.add(FloatVector.fromArray(S, bias, c)) : x00).intoArray(out, o);
            (bias != null ? x01.add(FloatVector.fromArray(S, bias, c + L)) : x01).intoArray(out, o + L);
            (bias != null ? x10.add(FloatVector.fromArray(S, bias, c)) : x10).intoArray(out, o + cols);
            (bias != null ? x11.add(FloatVector.fromArray(S, bias, c + L)) : x11).intoArray(out, o + cols + L);
            (bias != null ? x20.add(FloatVector.fromArray(S, bias, c)) : x20).intoArray(out, o + 2 * cols);
            (bias != null ? x21.add(FloatVector.fromArray(S, bias, c + L)) : x21).intoArray(out, o + 2 * cols + L);
            (bias != null ? x30.add(FloatVector.fromArray(S, bias, c)) : x30).intoArray(out, o + 3 * cols);
            (bias != null ? x31.add(FloatVector.fromArray(S, bias, c + L)) : x31).intoArray(out, o + 3 * cols + L);
        }
        for (; c + L <= cols; c += L) {
            FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0;
            for (int t = 0; t < inner; t++) {
                FloatVector b0 = FloatVector.fromArray(S, b, t * cols + c);
                int ao = t * aCol;
                x0 = b0.fma(FloatVector.broadcast(S, a[a0 + ao]), x0);
                x1 = b0.fma(FloatVector.broadcast(S, a[a1 + ao]), x1);
                x2 = b0.fma(FloatVector.broadcast(S, a[a2 + ao]), x2);
                x3 = b0.fma(FloatVector.broadcast(S, a[a3 + ao]), x3);
            }
            int o = r * cols + c;
            (bias != null ? x0.add(FloatVector.fromArray(S, bias, c)) : x0).intoArray(out, o);
            (bias != null ? x1.add(FloatVector.fromArray(S, bias, c)) : x1).intoArray(out, o + cols);
            (bias != null ? x2.add(FloatVector.fromArray(S, bias, c)) : x2).intoArray(out, o + 2 * cols);
            (bias != null ? x3.add(FloatVector.fromArray(S, bias, c)) : x3).intoArray(out, o + 3 * cols);
        }
        for (int q = 0; q < 4; q++) {
            tailColumns(a, (r + q) * aRow, aCol, b, bias, out, (r + q) * cols, c, inner, cols);
        }
    }

    /** One row of out, for the rows left over from blocks of four. */
    private static void gemm1(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int r, int inner,
            int cols) {
        int a0 = r * aRow;
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector x0 = FloatVector.zero(S), x1 = x0;
            for (int t = 0; t < inner; t++) {
                FloatVector v = FloatVector.broadcast(S, a[a0 + t * aCol]);
                x0 = FloatVector.fromArray(S, b, t * cols + c).fma(v, x0);
                x1 = FloatVector.fromArray(S, b, t * cols + c + L).fma(v, x1);
            }
            (bias != null ? x0.add(FloatVector.fromArray(S, bias, c)) : x0).intoArray(out, r * cols + c);
            (bias != null ? x1.add(FloatVector.fromArray(S, bias, c + L)) : x1).intoArray(out, r * cols + c + L);
        }
        for (; c + L <= cols; c += L) {
            FloatVector x0 = FloatVector.zero(S);
            for (int t = 0; t < inner; t++) {
                x0 = FloatVector.fromArray(S, b, t * cols + c).fma(FloatVector.broadcast(S, a[a0 + t * aCol]), x0);
            }
            (bias != null ? x0.add(FloatVector.fromArray(S, bias, c)) : x0).intoArray(out, r * cols + c);
        }
        tailColumns(a, a0, aCol, b, bias, out, r * cols, c, inner, cols);
    }

    private static void tailColumns(float[] a, int a0, int aCol, float[] b, float[] bias, float[] out, int o,
            int from, int inner, int cols) {
        for (int c = from; c < cols; c++) {
            float s = 0f;
            for (int t = 0; t < inner; t++) {
                s = Math.fma(b[t * cols + c], a[a0 + t * aCol], s);
            }
            out[o + c] = bias != null ? s + bias[c] : s;
        }
    }

    @Override
    public void gemmBT(float[] a, float[] b, float[] bias, float[] out, int n, int k, int m) {
        int bound = k - k % L;
        int n4 = n - n % 4, m3 = m - m % 3;
        for (int i = 0; i < n4; i += 4) {
            for (int j = 0; j < m3; j += 3) {
                dots4x3(a, b, bias, out, i, j, k, m, bound);
            }
            for (int q = 0; q < 4; q++) {
                for (int j = m3; j < m; j++) {
                    out[(i + q) * m + j] = dot1(a, b, bias, i + q, j, k, bound);
                }
            }
        }
        for (int i = n4; i < n; i++) {
            for (int j = 0; j < m; j++) {
                out[i * m + j] = dot1(a, b, bias, i, j, k, bound);
            }
        }
    }

    /** Twelve dot products at once: rows i..i+3 of a against rows j..j+2 of b. */
    private static void dots4x3(float[] a, float[] b, float[] bias, float[] out, int i, int j, int k, int m,
            int bound) {
        int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        int b0 = j * k, b1 = b0 + k, b2 = b1 + k;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00;
        for (int t = 0; t < bound; t += L) {
            FloatVector w0 = FloatVector.fromArray(S, b, b0 + t);
            FloatVector w1 = FloatVector.fromArray(S, b, b1 + t);
            FloatVector w2 = FloatVector.fromArray(S, b, b2 + t);
            FloatVector x = FloatVector.fromArray(S, a, a0 + t);
            s00 = x.fma(w0, s00);
            s01 = x.fma(w1, s01);
            s02 = x.fma(w2, s02);
            x = FloatVector.fromArray(S, a, a1 + t);
            s10 = x.fma(w0, s10);
            s11 = x.fma(w1, s11);
            s12 = x.fma(w2, s12);
            x = FloatVector.fromArray(S, a, a2 + t);
            s20 = x.fma(w0, s20);
            s21 = x.fma(w1, s21);
            s22 = x.fma(w2, s22);
            x = FloatVector.fromArray(S, a, a3 + t);
            s30 = x.fma(w0, s30);
            s31 = x.fma(w1, s31);
            s32 = x.fma(w2, s32);
        }
        int o = i * m + j;
        out[o] = finish(s00, a, a0, b, b0, bias, j, k, bound);
        out[o + 1] = finish(s01, a, a0, b, b1, bias, j + 1, k, bound);
        out[o + 2] = finish(s02, a, a0, b, b2, bias, j + 2, k, bound);
        o += m;
        out[o] = finish(s10, a, a1, b, b0, bias, j, k, bound);
        out[o + 1] = finish(s11, a, a1, b, b1, bias, j + 1, k, bound);
        out[o + 2] = finish(s12, a, a1, b, b2, bias, j + 2, k, bound);
        o += m;
        out[o] = finish(s20, a, a2, b, b0, bias, j, k, bound);
        out[o + 1] = finish(s21, a, a2, b, b1, bias, j + 1, k, bound);
        out[o + 2] = finish(s22, a, a2, b, b2, bias, j + 2, k, bound);
        o += m;
        out[o] = finish(s30, a, a3, b, b0, bias, j, k, bound);
        out[o + 1] = finish(s31, a, a3, b, b1, bias, j + 1, k, bound);
        out[o + 2] = finish(s32, a, a3, b, b2, bias, j + 2, k, bound);
    }

    private static float dot1(float[] a, float[] b, float[] bias, int i, int j, int k, int bound) {
        FloatVector s = FloatVector.zero(S);
        for (int t = 0; t < bound; t += L) {
            s = FloatVector.fromArray(S, a, i * k + t).fma(FloatVector.fromArray(S, b, j * k + t), s);
        }
        return finish(s, a, i * k, b, j * k, bias, j, k, bound);
    }

    /** Lanes summed in a fixed order, then the tail t >= bound, then the bias. */
    private static float finish(FloatVector acc, float[] a, int ao, float[] b, int bo, float[] bias, int j, int k,
            int bound) {
        float s = bound > 0 ? hsum(acc) : 0f;
        for (int t = bound; t < k; t++) {
            s = Math.fma(a[ao + t], b[bo + t], s);
        }
        return bias != null ? s + bias[j] : s;
    }

    @Override
    public void addSquaredDiff(float[] x, int xo, float[] mean, float[] acc, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(S, x, xo + j).sub(FloatVector.fromArray(S, mean, j));
            d.mul(d).add(FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
        }
        for (; j < len; j++) {
            float d = x[xo + j] - mean[j];
            acc[j] += d * d;
        }
    }

    @Override
    public void normTanh(float[] x, float[] mean, float[] inv, float[] gain, float[] bias, float[] raw, float[] h,
            int o, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector r = FloatVector.fromArray(S, x, o + j).sub(FloatVector.fromArray(S, mean, j))
                    .mul(FloatVector.fromArray(S, inv, j));
            if (raw != null) {
                r.intoArray(raw, o + j);
            }
            tanh(FloatVector.fromArray(S, gain, j).mul(r).add(FloatVector.fromArray(S, bias, j))).intoArray(h, o + j);
        }
        for (; j < len; j++) {
            float r = (x[o + j] - mean[j]) * inv[j];
            if (raw != null) {
                raw[o + j] = r;
            }
            h[o + j] = FastMath.tanh(gain[j] * r + bias[j]);
        }
    }

    /** {@link FastMath#tanh} lane by lane, the same operations in the same order (both branches, then a blend). */
    static FloatVector tanh(FloatVector x) {
        FloatVector z = x.abs();
        FloatVector big = ONE.sub(TWO.div(exp(z.add(z)).add(1f)));
        big = big.blend(big.neg(), x.lt(0f));
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(FastMath.T0, FastMath.T1);
        p = p.fma(x2, FloatVector.broadcast(S, FastMath.T2));
        p = p.fma(x2, FloatVector.broadcast(S, FastMath.T3));
        p = p.fma(x2, FloatVector.broadcast(S, FastMath.T4));
        FloatVector small = p.mul(x2).fma(x, x);
        return small.blend(big, z.compare(VectorOperators.GE, FastMath.TANH_SPLIT));
    }

    /** {@link FastMath#exp} lane by lane, the same operations in the same order. */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.min(FastMath.EXP_HI).max(FastMath.EXP_LO);
        FloatVector t = c.fma(FastMath.LOG2E, FastMath.MAGIC);
        FloatVector n = t.sub(FastMath.MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -FastMath.LN2_HI), c);
        r = n.fma(FloatVector.broadcast(S, -FastMath.LN2_LO), r);
        FloatVector y = r.fma(FastMath.P0, FastMath.P1);
        y = y.fma(r, FloatVector.broadcast(S, FastMath.P2));
        y = y.fma(r, FloatVector.broadcast(S, FastMath.P3));
        y = y.fma(r, FloatVector.broadcast(S, FastMath.P4));
        y = y.fma(r, FloatVector.broadcast(S, FastMath.P5));
        y = y.fma(r.mul(r), r);
        y = y.add(1f);
        FloatVector scale = t.reinterpretAsInts().sub(FastMath.MAGIC_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(scale);
    }

    @Override
    public void tanhBackward(float[] h, float[] dh, int o, int len) {
        int j = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector y = FloatVector.fromArray(S, h, o + j);
            one.sub(y.mul(y)).mul(FloatVector.fromArray(S, dh, o + j)).intoArray(dh, o + j);
        }
        for (; j < len; j++) {
            float y = h[o + j];
            dh[o + j] = (1f - y * y) * dh[o + j];
        }
    }

    @Override
    public void bnSums(float[] dhpreact, float[] bnraw, int o, float[] dbngain, float[] dbnbias, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(S, dhpreact, o + j);
            d.add(FloatVector.fromArray(S, dbnbias, j)).intoArray(dbnbias, j);
            d.fma(FloatVector.fromArray(S, bnraw, o + j), FloatVector.fromArray(S, dbngain, j)).intoArray(dbngain, j);
        }
        for (; j < len; j++) {
            dbnbias[j] += dhpreact[o + j];
            dbngain[j] = Math.fma(dhpreact[o + j], bnraw[o + j], dbngain[j]);
        }
    }

    @Override
    public void bnBackwardRow(float[] dhpreact, float[] bnraw, int o, float[] scale, float[] dbnbias,
            float[] dbngain, float fn, float bessel, float[] dhprebn, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector corr = FloatVector.fromArray(S, bnraw, o + j).mul(bessel).mul(FloatVector.fromArray(S, dbngain, j));
            FloatVector.fromArray(S, dhpreact, o + j).mul(fn).sub(FloatVector.fromArray(S, dbnbias, j)).sub(corr)
                    .mul(FloatVector.fromArray(S, scale, j)).intoArray(dhprebn, o + j);
        }
        for (; j < len; j++) {
            dhprebn[o + j] = scale[j] * (fn * dhpreact[o + j] - dbnbias[j] - bessel * bnraw[o + j] * dbngain[j]);
        }
    }

    @Override
    public float max(float[] x, int xo, int len) {
        float m = x[xo];
        int i = 0;
        int bound = len - len % L;
        if (bound > 0) {
            FloatVector acc = FloatVector.fromArray(S, x, xo);
            for (i = L; i < bound; i += L) {
                acc = acc.max(FloatVector.fromArray(S, x, xo + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX); // max is exact in any order
        }
        for (; i < len; i++) {
            m = Math.max(m, x[xo + i]);
        }
        return m;
    }

    @Override
    public float expShiftSum(float[] x, int xo, float shift, float[] out, int oo, int len) {
        int i = 0;
        int bound = len - len % L;
        float s = 0f;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += L) {
                FloatVector e = exp(FloatVector.fromArray(S, x, xo + i).sub(shift));
                if (out != null) {
                    e.intoArray(out, oo + i);
                }
                acc = acc.add(e);
            }
            s = hsum(acc);
        }
        for (; i < len; i++) {
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
        int i = 0;
        for (int bound = len - len % L; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).mul(a).div(b).intoArray(x, xo + i);
        }
        for (; i < len; i++) {
            x[xo + i] = x[xo + i] * a / b;
        }
    }

    @Override
    public void add(float[] x, int xo, float[] y, int len) {
        int i = 0;
        for (int bound = len - len % L; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, y, i)).intoArray(y, i);
        }
        for (; i < len; i++) {
            y[i] += x[xo + i];
        }
    }

    @Override
    public void scale(float a, float[] x, int xo, int len) {
        int i = 0;
        for (int bound = len - len % L; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).mul(a).intoArray(x, xo + i);
        }
        for (; i < len; i++) {
            x[xo + i] *= a;
        }
    }
}
