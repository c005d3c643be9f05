package ninja.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd} on the Vector API. Loaded by name only when the incubator module is present.
 * The species sits in a static final field: in an instance field the JIT cannot specialise the loops.
 * 256-bit vectors did as well as 512-bit ones on this model's sizes and run on every AVX2 machine.
 *
 * <p>The matmuls ({@link VectorGemm}, {@link VectorDots}) keep several accumulators in registers (4 rows x 4 or 3
 * vectors for {@link #gemm}, 4 x 4 or 4 x 3 dot products for {@link #gemmBT}) so that each loaded vector feeds several
 * fused multiply-adds. Horizontal sums
 * add the lanes in a fixed order (never {@code reduceLanes(ADD)}, whose order may change once the JIT compiles),
 * so results are bit-identical run to run. Scalar tails use {@link Math#fma} like the lanes, so an element's
 * value does not depend on whether it fell in a vector or a tail.
 */
final class VectorSimd extends Simd {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int L = S.length();
    /** Doubles in vectors of the same width: a float vector converts into two of them (its low and high half). */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    /**
     * gemm's 4 x 4 tile (16 accumulators, 8 loads per 16 fused multiply-adds; the 4 x 3 tile has 7 per 12) needs the 32
     * vector registers of an AVX-512 machine, where the preferred shape is 512 bits. ninja.bench.GemmBest there (best
     * of three runs, us, 4 x 4 / 4 x 3 alone): x @ W 128x48x128 15.6 / 18.1, 32x256x128 20.5 / 22.6, 32x30x200
     * 4.1 / 4.5; x^T @ dout 64x256x128 46.6 / 54.7, 32x256x128 23.6 / 26.2, 128x48x128 18.4 / 17.9. With AVX2's 16
     * registers (-XX:UseAVX=2) it spills: x @ W 128x48x128 27.5 / 18.6, 64x256x128 74 / 48. Same bits either way.
     */
    static final boolean TILE_4X4 = VectorShape.preferredShape().vectorBitSize() >= 512;
    /** Per-thread scratch for horizontal sums: accumulators are stored here and their lanes added as floats. */
    static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[16 * L]);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f);
    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -FastMath.LN2_HI);
    private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, -FastMath.LN2_LO);
    private static final FloatVector P2V = FloatVector.broadcast(S, FastMath.P2);
    private static final FloatVector P3V = FloatVector.broadcast(S, FastMath.P3);
    private static final FloatVector P4V = FloatVector.broadcast(S, FastMath.P4);
    private static final FloatVector P5V = FloatVector.broadcast(S, FastMath.P5);
    private static final FloatVector T2V = FloatVector.broadcast(S, FastMath.T2);
    private static final FloatVector T3V = FloatVector.broadcast(S, FastMath.T3);
    private static final FloatVector T4V = FloatVector.broadcast(S, FastMath.T4);

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    /**
     * Lanes q*L .. q*L+L-1 of t added in a fixed order, ((0+1)+(2+3))+((4+5)+(6+7)) for 8 lanes: the same in the
     * interpreter, C1 and C2 (unlike {@code reduceLanes(ADD)}, whose order is left open). Accumulators reach here
     * through {@code intoArray}, never as arguments: a vector passed to a method the JIT did not inline is boxed.
     */
    static float lanes(float[] t, int q) {
        int b = q * L;
        if (L == 8) {
            return ((t[b] + t[b + 1]) + (t[b + 2] + t[b + 3])) + ((t[b + 4] + t[b + 5]) + (t[b + 6] + t[b + 7]));
        }
        float s = t[b];
        for (int i = 1; i < L; i++) {
            s += t[b + i];
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
        float s = 0f;
        if (bound > 0) {
            float[] tmp = SCRATCH.get();
            acc.intoArray(tmp, 0);
            s = lanes(tmp, 0);
        }
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

    /** See {@link VectorGemm}. */
    @Override
    public void gemm(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rowFrom, int rowTo,
            int inner, int cols) {
        VectorGemm.gemm(a, aRow, aCol, b, bias, out, rowFrom, rowTo, inner, cols);
    }

    @Override
    public void gemmBT(float[] a, float[] b, float[] bias, float[] out, int rowFrom, int rowTo, int k, int m) {
        VectorDots.gemmBT(a, b, bias, out, rowFrom, rowTo, k, m);
    }

    /** See {@link VectorDots}. */
    @Override
    public void gemmBT2(float[] a0, float[] a1, float[] b0, float[] b1, float[] bias, float[] out, int rowFrom,
            int rowTo, int k0, int k1, int m) {
        VectorDots.gemmBT2(a0, a1, b0, b1, bias, out, rowFrom, rowTo, k0, k1, m);
    }

    @Override
    public void gemmBTPacked(float[] a, float[] bP, float[] bias, float[] out, int rowFrom, int rowTo, int k, int m) {
        VectorDots.gemmBTPacked(a, bP, bias, out, rowFrom, rowTo, k, m);
    }

    @Override
    public void colSums(float[] a, float[] mean, float factor, int n, int m, float[] out) {
        int j = 0;
        // four column vectors at a time: four independent chains of adds, so the adds' latency overlaps
        for (; j + 4 * L <= m; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            if (mean == null) {
                for (int o = j; o < n * m; o += m) {
                    s0 = s0.add(FloatVector.fromArray(S, a, o));
                    s1 = s1.add(FloatVector.fromArray(S, a, o + L));
                    s2 = s2.add(FloatVector.fromArray(S, a, o + 2 * L));
                    s3 = s3.add(FloatVector.fromArray(S, a, o + 3 * L));
                }
            } else {
                FloatVector m0 = FloatVector.fromArray(S, mean, j), m1 = FloatVector.fromArray(S, mean, j + L);
                FloatVector m2 = FloatVector.fromArray(S, mean, j + 2 * L), m3 = FloatVector.fromArray(S, mean, j + 3 * L);
                for (int o = j; o < n * m; o += m) {
                    FloatVector d0 = FloatVector.fromArray(S, a, o).sub(m0);
                    FloatVector d1 = FloatVector.fromArray(S, a, o + L).sub(m1);
                    FloatVector d2 = FloatVector.fromArray(S, a, o + 2 * L).sub(m2);
                    FloatVector d3 = FloatVector.fromArray(S, a, o + 3 * L).sub(m3);
                    s0 = d0.mul(d0).add(s0);
                    s1 = d1.mul(d1).add(s1);
                    s2 = d2.mul(d2).add(s2);
                    s3 = d3.mul(d3).add(s3);
                }
            }
            s0.mul(factor).intoArray(out, j);
            s1.mul(factor).intoArray(out, j + L);
            s2.mul(factor).intoArray(out, j + 2 * L);
            s3.mul(factor).intoArray(out, j + 3 * L);
        }
        for (; j + L <= m; j += L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector m0 = mean == null ? s0 : FloatVector.fromArray(S, mean, j);
            for (int o = j; o < n * m; o += m) {
                FloatVector d0 = FloatVector.fromArray(S, a, o);
                if (mean != null) {
                    d0 = d0.sub(m0);
                    d0 = d0.mul(d0);
                }
                s0 = d0.add(s0);
            }
            s0.mul(factor).intoArray(out, j);
        }
        for (; j < m; j++) {
            float s = 0f;
            for (int o = j; o < n * m; o += m) {
                float d = a[o];
                if (mean != null) {
                    d -= mean[j];
                    d = d * d;
                }
                s += d;
            }
            out[j] = s * factor;
        }
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
    public void normalize(float[] x, float[] mean, float[] inv, float[] gain, float[] bias, float[] raw,
            float[] out, int o, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector r = FloatVector.fromArray(S, x, o + j).sub(FloatVector.fromArray(S, mean, j))
                    .mul(FloatVector.fromArray(S, inv, j));
            r.intoArray(raw, o + j);
            FloatVector.fromArray(S, gain, j).mul(r).add(FloatVector.fromArray(S, bias, j)).intoArray(out, o + j);
        }
        for (; j < len; j++) {
            float r = (x[o + j] - mean[j]) * inv[j];
            raw[o + j] = r;
            out[o + j] = gain[j] * r + bias[j];
        }
    }

    @Override
    public void addDouble(float[] x, int xo, double[] acc, int ao, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + j);
            DoubleVector lo = (DoubleVector) v.convert(VectorOperators.F2D, 0);
            DoubleVector hi = (DoubleVector) v.convert(VectorOperators.F2D, 1);
            lo.add(DoubleVector.fromArray(D, acc, ao + j)).intoArray(acc, ao + j);
            hi.add(DoubleVector.fromArray(D, acc, ao + j + L / 2)).intoArray(acc, ao + j + L / 2);
        }
        for (; j < len; j++) {
            acc[ao + j] += x[xo + j];
        }
    }

    @Override
    public void addSquaredDiffDouble(float[] x, int xo, double[] mean, double[] acc, int ao, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            int a = ao + j;
            FloatVector v = FloatVector.fromArray(S, x, xo + j);
            DoubleVector lo = ((DoubleVector) v.convert(VectorOperators.F2D, 0)).sub(DoubleVector.fromArray(D, mean, a));
            DoubleVector hi = ((DoubleVector) v.convert(VectorOperators.F2D, 1))
                    .sub(DoubleVector.fromArray(D, mean, a + L / 2));
            lo.mul(lo).add(DoubleVector.fromArray(D, acc, a)).intoArray(acc, a);
            hi.mul(hi).add(DoubleVector.fromArray(D, acc, a + L / 2)).intoArray(acc, a + L / 2);
        }
        for (; j < len; j++) {
            double d = x[xo + j] - mean[ao + j];
            acc[ao + j] += d * d;
        }
    }

    @Override
    public void normalizeDiv(float[] x, float[] mean, float[] std, float[] gain, float[] bias, float[] xhat,
            float[] out, int o, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector h = FloatVector.fromArray(S, x, o + j).sub(FloatVector.fromArray(S, mean, j))
                    .div(FloatVector.fromArray(S, std, j));
            h.intoArray(xhat, o + j);
            FloatVector.fromArray(S, gain, j).mul(h).add(FloatVector.fromArray(S, bias, j)).intoArray(out, o + j);
        }
        for (; j < len; j++) {
            float h = (x[o + j] - mean[j]) / std[j];
            xhat[o + j] = h;
            out[o + j] = gain[j] * h + bias[j];
        }
    }

    @Override
    public void tanh(float[] x, int xo, float[] out, int oo, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            // FastMath.tanh lane by lane, the same operations in the same order (both branches, then a blend),
            // written out here rather than called: a vector passed to a method the JIT does not inline is boxed
            FloatVector hp = FloatVector.fromArray(S, x, xo + j);
            FloatVector z = hp.abs();
            FloatVector c = z.add(z).min(FastMath.EXP_HI);  // exp(2|x|) as FastMath.exp (2|x| >= 0: no lower clamp)
            FloatVector t = c.fma(FastMath.LOG2E, FastMath.MAGIC);
            FloatVector n = t.sub(FastMath.MAGIC);
            FloatVector rr = n.fma(NEG_LN2_HI, c);
            rr = n.fma(NEG_LN2_LO, rr);
            FloatVector y = rr.fma(FastMath.P0, FastMath.P1);
            y = y.fma(rr, P2V).fma(rr, P3V).fma(rr, P4V).fma(rr, P5V);
            y = y.fma(rr.mul(rr), rr).add(1f);
            FloatVector e = y.mul(t.reinterpretAsInts().sub(FastMath.MAGIC_BITS - 127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector big = ONE.sub(TWO.div(e.add(1f)));
            big = big.blend(big.neg(), hp.lt(0f));
            FloatVector x2 = hp.mul(hp);
            FloatVector p = x2.fma(FastMath.T0, FastMath.T1);
            p = p.fma(x2, T2V).fma(x2, T3V).fma(x2, T4V);
            FloatVector small = p.mul(x2).fma(hp, hp);
            small.blend(big, z.compare(VectorOperators.GE, FastMath.TANH_SPLIT)).intoArray(out, oo + j);
        }
        for (; j < len; j++) {
            out[oo + j] = FastMath.tanh(x[xo + j]);
        }
    }

    @Override
    public void tanhBackward(float[] h, float[] dh, int o, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector y = FloatVector.fromArray(S, h, o + j);
            ONE.sub(y.mul(y)).mul(FloatVector.fromArray(S, dh, o + j)).intoArray(dh, o + j);
        }
        for (; j < len; j++) {
            float y = h[o + j];
            dh[o + j] = (1f - y * y) * dh[o + j];
        }
    }

    @Override
    public void bnSums(float[] dhpreact, float[] bnraw, int o, float[] dbngain, float[] dbnbias, int ao, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            int a = ao + j;
            FloatVector d = FloatVector.fromArray(S, dhpreact, o + j);
            d.add(FloatVector.fromArray(S, dbnbias, a)).intoArray(dbnbias, a);
            d.fma(FloatVector.fromArray(S, bnraw, o + j), FloatVector.fromArray(S, dbngain, a)).intoArray(dbngain, a);
        }
        for (; j < len; j++) {
            dbnbias[ao + j] += dhpreact[o + j];
            dbngain[ao + j] = Math.fma(dhpreact[o + j], bnraw[o + j], dbngain[ao + j]);
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
                // exp(x - shift), FastMath.exp written out (see tanh)
                FloatVector c = FloatVector.fromArray(S, x, xo + i).sub(shift).min(FastMath.EXP_HI).max(FastMath.EXP_LO);
                FloatVector t = c.fma(FastMath.LOG2E, FastMath.MAGIC);
                FloatVector nn = t.sub(FastMath.MAGIC);
                FloatVector r = nn.fma(NEG_LN2_HI, c);
                r = nn.fma(NEG_LN2_LO, r);
                FloatVector y = r.fma(FastMath.P0, FastMath.P1);
                y = y.fma(r, P2V).fma(r, P3V).fma(r, P4V).fma(r, P5V);
                y = y.fma(r.mul(r), r).add(1f);
                FloatVector e = y.mul(t.reinterpretAsInts().sub(FastMath.MAGIC_BITS - 127)
                        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                if (out != null) {
                    e.intoArray(out, oo + i);
                }
                acc = acc.add(e);
            }
            float[] tmp = SCRATCH.get();
            acc.intoArray(tmp, 0);
            s = lanes(tmp, 0);
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
