package ninja.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd} on the Vector API. Loaded by name only when the incubator module is present.
 * The species sits in a static final field: in an instance field the JIT cannot specialise the loops.
 * 256-bit vectors did as well as 512-bit ones on this model's sizes and run on every AVX2 machine.
 *
 * <p>The matmuls keep several accumulators in registers (4 rows x 4 or 3 vectors for {@link #gemm}, 4 x 3 dot
 * products for {@link #gemmBT}) so that each loaded vector feeds several fused multiply-adds. Horizontal sums
 * add the lanes in a fixed order (never {@code reduceLanes(ADD)}, whose order may change once the JIT compiles),
 * so results are bit-identical run to run. Scalar tails use {@link Math#fma} like the lanes, so an element's
 * value does not depend on whether it fell in a vector or a tail.
 */
final class VectorSimd extends Simd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();
    /** Doubles in vectors of the same width: a float vector converts into two of them (its low and high half). */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    /**
     * gemm's 4 x 4 tile (16 accumulators, 8 loads per 16 fused multiply-adds; the 4 x 3 tile has 7 per 12) needs the 32
     * vector registers of an AVX-512 machine, where the preferred shape is 512 bits. ninja.bench.GemmBest there (best
     * of three runs, us, 4 x 4 / 4 x 3 alone): x @ W 128x48x128 15.6 / 18.1, 32x256x128 20.5 / 22.6, 32x30x200
     * 4.1 / 4.5; x^T @ dout 64x256x128 46.6 / 54.7, 32x256x128 23.6 / 26.2, 128x48x128 18.4 / 17.9. With AVX2's 16
     * registers (-XX:UseAVX=2) it spills: x @ W 128x48x128 27.5 / 18.6, 64x256x128 74 / 48. Same bits either way.
     */
    private static final boolean TILE_4X4 = VectorShape.preferredShape().vectorBitSize() >= 512;
    /** Per-thread scratch for horizontal sums: accumulators are stored here and their lanes added as floats. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[16 * L]);
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
    private static float lanes(float[] t, int q) {
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

    /**
     * Blocks of 4 rows x 4 vectors ({@link #gemm4x4}, where {@link #TILE_4X4}), then of 4 rows x 3 vectors
     * ({@link #gemm4x3}); the columns past them in blocks of 8 rows x 1 vector (eight
     * independent chains of fused multiply-adds keep both FMA pipes busy), or row by row below eight rows
     * ({@link #gemmRow}), the last of them a vector ending at the last column (the columns it shares with the one
     * before recomputed to the same values; scalar columns only below 8 in all); each its own method. The bias is
     * added afterwards, one rounding as before ({@code fl(sum + bias)}), so every element's operations are those of
     * the plain loop with fused multiply-adds whatever the blocking. Why so many small methods: C2 stops inlining once
     * a method's graph passes its node budget (NodeCountInliningCutoff), and a Vector API call that is not inlined
     * runs the Java fallback, allocating a vector per operation (a whole gemm4 once did that in some runs: 177,984
     * bytes per step). Each method here stays well under the budget.
     */
    @Override
    public void gemm(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rowFrom, int rowTo,
            int inner, int cols) {
        int rows = rowTo - rowFrom, c4 = TILE_4X4 ? cols - cols % (4 * L) : 0, c1 = cols - cols % L;
        int c3 = cols - (cols - c4) % (3 * L);
        if (rows < 4) {
            for (int r = rowFrom; r < rowTo; r++) {
                gemmRow(a, aRow, aCol, b, out, r, 0, inner, cols);
            }
        }
        for (int r = rowFrom; rows >= 4 && r < rowTo; r += 4) {
            // the last rows: a block of four ending at the last row; the rows it shares with the block before are
            // recomputed to the same values (an element's operations do not depend on the blocking)
            int r0 = Math.min(r, rowTo - 4);
            for (int c = 0; c < c4; c += 4 * L) {
                gemm4x4(a, aRow, aCol, b, out, r0, c, inner, cols);
            }
            for (int c = c4; c < c3; c += 3 * L) {
                gemm4x3(a, aRow, aCol, b, out, r0, c, inner, cols);
            }
            for (int q = 0; q < 4 && (rows < 8 || cols < L); q++) {
                gemmRow(a, aRow, aCol, b, out, r0 + q, c3, inner, cols);
            }
        }
        for (int r = rowFrom; rows >= 8 && cols >= L && c3 < cols && r < rowTo; r += 8) {
            int r0 = Math.min(r, rowTo - 8);
            for (int c = c3; c < c1; c += L) {
                gemm8x1(a, aRow, aCol, b, out, r0, c, inner, cols);
            }
            if (c1 < cols) {
                gemm8x1(a, aRow, aCol, b, out, r0, cols - L, inner, cols);
            }
        }
        if (bias != null) {
            for (int r = rowFrom; r < rowTo; r++) {
                addBias(bias, out, r * cols, cols);
            }
        }
    }

    /** out[r..r+3, c..c+3L) = A[r..r+3, :] @ b[:, c..c+3L): 4 x 3 accumulators, each b vector used four times. */
    private static void gemm4x3(float[] a, int aRow, int aCol, float[] b, float[] out, int r, int c, int inner,
            int cols) {
        int a0 = r * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        FloatVector x00 = FloatVector.zero(S), x01 = x00, x02 = x00, x10 = x00, x11 = x00, x12 = x00;
        FloatVector x20 = x00, x21 = x00, x22 = x00, x30 = x00, x31 = x00, x32 = x00;
        for (int t = 0, bo = c, ao = 0; t < inner; t++, bo += cols, ao += aCol) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + ao]);
            x00 = b0.fma(v, x00);
            x01 = b1.fma(v, x01);
            x02 = b2.fma(v, x02);
            v = FloatVector.broadcast(S, a[a1 + ao]);
            x10 = b0.fma(v, x10);
            x11 = b1.fma(v, x11);
            x12 = b2.fma(v, x12);
            v = FloatVector.broadcast(S, a[a2 + ao]);
            x20 = b0.fma(v, x20);
            x21 = b1.fma(v, x21);
            x22 = b2.fma(v, x22);
            v = FloatVector.broadcast(S, a[a3 + ao]);
            x30 = b0.fma(v, x30);
            x31 = b1.fma(v, x31);
            x32 = b2.fma(v, x32);
        }
        int o = r * cols + c;
        x00.intoArray(out, o);
        x01.intoArray(out, o + L);
        x02.intoArray(out, o + 2 * L);
        o += cols;
        x10.intoArray(out, o);
        x11.intoArray(out, o + L);
        x12.intoArray(out, o + 2 * L);
        o += cols;
        x20.intoArray(out, o);
        x21.intoArray(out, o + L);
        x22.intoArray(out, o + 2 * L);
        o += cols;
        x30.intoArray(out, o);
        x31.intoArray(out, o + L);
        x32.intoArray(out, o + 2 * L);
    }

    /** out[r..r+3, c..c+4L) = A[r..r+3, :] @ b[:, c..c+4L): 4 x 4 accumulators, each b vector used four times. */
    private static void gemm4x4(float[] a, int aRow, int aCol, float[] b, float[] out, int r, int c, int inner,
            int cols) {
        int a0 = r * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        FloatVector x00 = FloatVector.zero(S), x01 = x00, x02 = x00, x03 = x00, x10 = x00, x11 = x00, x12 = x00;
        FloatVector x13 = x00, x20 = x00, x21 = x00, x22 = x00, x23 = x00, x30 = x00, x31 = x00, x32 = x00, x33 = x00;
        for (int t = 0, bo = c, ao = 0; t < inner; t++, bo += cols, ao += aCol) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + ao]);
            x00 = b0.fma(v, x00);
            x01 = b1.fma(v, x01);
            x02 = b2.fma(v, x02);
            x03 = b3.fma(v, x03);
            v = FloatVector.broadcast(S, a[a1 + ao]);
            x10 = b0.fma(v, x10);
            x11 = b1.fma(v, x11);
            x12 = b2.fma(v, x12);
            x13 = b3.fma(v, x13);
            v = FloatVector.broadcast(S, a[a2 + ao]);
            x20 = b0.fma(v, x20);
            x21 = b1.fma(v, x21);
            x22 = b2.fma(v, x22);
            x23 = b3.fma(v, x23);
            v = FloatVector.broadcast(S, a[a3 + ao]);
            x30 = b0.fma(v, x30);
            x31 = b1.fma(v, x31);
            x32 = b2.fma(v, x32);
            x33 = b3.fma(v, x33);
        }
        int o = r * cols + c;
        x00.intoArray(out, o);
        x01.intoArray(out, o + L);
        x02.intoArray(out, o + 2 * L);
        x03.intoArray(out, o + 3 * L);
        o += cols;
        x10.intoArray(out, o);
        x11.intoArray(out, o + L);
        x12.intoArray(out, o + 2 * L);
        x13.intoArray(out, o + 3 * L);
        o += cols;
        x20.intoArray(out, o);
        x21.intoArray(out, o + L);
        x22.intoArray(out, o + 2 * L);
        x23.intoArray(out, o + 3 * L);
        o += cols;
        x30.intoArray(out, o);
        x31.intoArray(out, o + L);
        x32.intoArray(out, o + 2 * L);
        x33.intoArray(out, o + 3 * L);
    }

    /** out[r..r+7, c..c+L) = A[r..r+7, :] @ b[:, c..c+L). */
    private static void gemm8x1(float[] a, int aRow, int aCol, float[] b, float[] out, int r, int c, int inner,
            int cols) {
        int a0 = r * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        int a4 = a3 + aRow, a5 = a4 + aRow, a6 = a5 + aRow, a7 = a6 + aRow;
        FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
        for (int t = 0, bo = c, ao = 0; t < inner; t++, bo += cols, ao += aCol) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            x0 = b0.fma(FloatVector.broadcast(S, a[a0 + ao]), x0);
            x1 = b0.fma(FloatVector.broadcast(S, a[a1 + ao]), x1);
            x2 = b0.fma(FloatVector.broadcast(S, a[a2 + ao]), x2);
            x3 = b0.fma(FloatVector.broadcast(S, a[a3 + ao]), x3);
            x4 = b0.fma(FloatVector.broadcast(S, a[a4 + ao]), x4);
            x5 = b0.fma(FloatVector.broadcast(S, a[a5 + ao]), x5);
            x6 = b0.fma(FloatVector.broadcast(S, a[a6 + ao]), x6);
            x7 = b0.fma(FloatVector.broadcast(S, a[a7 + ao]), x7);
        }
        int o = r * cols + c;
        x0.intoArray(out, o);
        x1.intoArray(out, o + cols);
        x2.intoArray(out, o + 2 * cols);
        x3.intoArray(out, o + 3 * cols);
        x4.intoArray(out, o + 4 * cols);
        x5.intoArray(out, o + 5 * cols);
        x6.intoArray(out, o + 6 * cols);
        x7.intoArray(out, o + 7 * cols);
    }

    /**
     * Columns from..cols-1 of row r (all of it for fewer than four rows in all; the columns past the 4 x 3 blocks
     * for four to seven): vectors, the last ending at the last column (the columns it shares with the one before
     * recomputed to the same values, instead of a scalar chain per element: the WaveNet's 27 logits once spent 13 us
     * of 17 in three such chains), scalar columns only below 8 in all.
     */
    private static void gemmRow(float[] a, int aRow, int aCol, float[] b, float[] out, int r, int from, int inner,
            int cols) {
        int a0 = r * aRow;
        if (cols < L) {
            tailColumns(a, a0, aCol, b, out, r * cols, from, inner, cols);
            return;
        }
        for (int c = from; c < cols; c += L) {
            int cl = Math.min(c, cols - L);
            FloatVector x0 = FloatVector.zero(S);
            for (int t = 0; t < inner; t++) {
                x0 = FloatVector.fromArray(S, b, t * cols + cl).fma(FloatVector.broadcast(S, a[a0 + t * aCol]), x0);
            }
            x0.intoArray(out, r * cols + cl);
        }
    }

    private static void tailColumns(float[] a, int a0, int aCol, float[] b, float[] out, int o, int from, int inner,
            int cols) {
        for (int c = from; c < cols; c++) {
            float s = 0f;
            for (int t = 0; t < inner; t++) {
                s = Math.fma(b[t * cols + c], a[a0 + t * aCol], s);
            }
            out[o + c] = s;
        }
    }

    /** out[o + c] += bias[c]: the bias after the sum, rounded once, as the plain loop adds it. */
    private static void addBias(float[] bias, float[] out, int o, int cols) {
        int c = 0;
        for (int bound = cols - cols % L; c < bound; c += L) {
            FloatVector.fromArray(S, out, o + c).add(FloatVector.fromArray(S, bias, c)).intoArray(out, o + c);
        }
        for (; c < cols; c++) {
            out[o + c] += bias[c];
        }
    }

    @Override
    public void gemmBT(float[] a, float[] b, float[] bias, float[] out, int rowFrom, int rowTo, int k, int m) {
        gemmBT2(a, a, b, b, bias, out, rowFrom, rowTo, 0, k, m);   // an empty first part: its loops run no time
    }

    /**
     * The dot products run over the first part's vectors, then on into the second part's and its tail, the same
     * accumulators throughout: each element gets gemmBT's operations on the joined rows (k0 is a multiple of L).
     */
    @Override
    public void gemmBT2(float[] a0, float[] a1, float[] b0, float[] b1, float[] bias, float[] out, int rowFrom,
            int rowTo, int k0, int k1, int m) {
        if (k0 % L != 0) {
            throw new IllegalArgumentException("gemmBT2: the first part's length " + k0 + " is not a multiple of " + L);
        }
        int bound = k1 - k1 % L;
        // 4 x 4 blocks where TILE_4X4, then 4 x 3 ones: as many fours as leave a multiple of three (27 = 6*4 + 3)
        int threes = (4 - m % 4) % 4, m4 = TILE_4X4 && 3 * threes <= m ? m - 3 * threes : 0;
        int n4 = rowTo - (rowTo - rowFrom) % 4, m3 = m - (m - m4) % 3;
        float[] tmp = SCRATCH.get();
        for (int i = rowFrom; i < n4; i += 4) {
            for (int j = 0; j < m4; j += 4) {
                dots4x4(a0, b0, k0, a1, b1, k1, bias, out, i, j, m, bound, tmp);
            }
            for (int j = m4; j < m3; j += 3) {
                dots4x3(a0, b0, k0, a1, b1, k1, bias, out, i, j, m, bound, tmp);
            }
            for (int q = 0; q < 4; q++) {
                for (int j = m3; j < m; j++) {
                    out[(i + q) * m + j] = dot1(a0, b0, k0, a1, b1, k1, bias, i + q, j, bound, tmp);
                }
            }
        }
        for (int i = n4; i < rowTo; i++) {
            for (int j = 0; j < m; j++) {
                out[i * m + j] = dot1(a0, b0, k0, a1, b1, k1, bias, i, j, bound, tmp);
            }
        }
    }

    /**
     * Sixteen dot products at once: rows i..i+3 of a against rows j..j+3 of b (where {@link #TILE_4X4}), over the
     * first part (a0, b0: k0 long, whole vectors) and on over the second (a1, b1: k1 long, its vectors up to bound).
     */
    private static void dots4x4(float[] a0, float[] b0, int k0, float[] a1, float[] b1, int k1, float[] bias,
            float[] out, int i, int j, int m, int bound1, float[] tmp) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00;
        FloatVector s13 = s00, s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        // the first part, then on into the second: two loops written out (one loop over both parts kept the
        // accumulators boxed, 20x slower)
        if (k0 > 0) {   // gemmBT: no first part
            int ar0 = i * k0, ar1 = ar0 + k0, ar2 = ar1 + k0, ar3 = ar2 + k0;
            int br0 = j * k0, br1 = br0 + k0, br2 = br1 + k0, br3 = br2 + k0;
            for (int t = 0; t < k0; t += L) {
                FloatVector w0 = FloatVector.fromArray(S, b0, br0 + t);
                FloatVector w1 = FloatVector.fromArray(S, b0, br1 + t);
                FloatVector w2 = FloatVector.fromArray(S, b0, br2 + t);
                FloatVector w3 = FloatVector.fromArray(S, b0, br3 + t);
                FloatVector x = FloatVector.fromArray(S, a0, ar0 + t);
                s00 = x.fma(w0, s00);
                s01 = x.fma(w1, s01);
                s02 = x.fma(w2, s02);
                s03 = x.fma(w3, s03);
                x = FloatVector.fromArray(S, a0, ar1 + t);
                s10 = x.fma(w0, s10);
                s11 = x.fma(w1, s11);
                s12 = x.fma(w2, s12);
                s13 = x.fma(w3, s13);
                x = FloatVector.fromArray(S, a0, ar2 + t);
                s20 = x.fma(w0, s20);
                s21 = x.fma(w1, s21);
                s22 = x.fma(w2, s22);
                s23 = x.fma(w3, s23);
                x = FloatVector.fromArray(S, a0, ar3 + t);
                s30 = x.fma(w0, s30);
                s31 = x.fma(w1, s31);
                s32 = x.fma(w2, s32);
                s33 = x.fma(w3, s33);
            }
        }
        int ar0 = i * k1, ar1 = ar0 + k1, ar2 = ar1 + k1, ar3 = ar2 + k1;
        int br0 = j * k1, br1 = br0 + k1, br2 = br1 + k1, br3 = br2 + k1;
        for (int t = 0; t < bound1; t += L) {
            FloatVector w0 = FloatVector.fromArray(S, b1, br0 + t);
            FloatVector w1 = FloatVector.fromArray(S, b1, br1 + t);
            FloatVector w2 = FloatVector.fromArray(S, b1, br2 + t);
            FloatVector w3 = FloatVector.fromArray(S, b1, br3 + t);
            FloatVector x = FloatVector.fromArray(S, a1, ar0 + t);
            s00 = x.fma(w0, s00);
            s01 = x.fma(w1, s01);
            s02 = x.fma(w2, s02);
            s03 = x.fma(w3, s03);
            x = FloatVector.fromArray(S, a1, ar1 + t);
            s10 = x.fma(w0, s10);
            s11 = x.fma(w1, s11);
            s12 = x.fma(w2, s12);
            s13 = x.fma(w3, s13);
            x = FloatVector.fromArray(S, a1, ar2 + t);
            s20 = x.fma(w0, s20);
            s21 = x.fma(w1, s21);
            s22 = x.fma(w2, s22);
            s23 = x.fma(w3, s23);
            x = FloatVector.fromArray(S, a1, ar3 + t);
            s30 = x.fma(w0, s30);
            s31 = x.fma(w1, s31);
            s32 = x.fma(w2, s32);
            s33 = x.fma(w3, s33);
        }
        s00.intoArray(tmp, 0);
        s01.intoArray(tmp, L);
        s02.intoArray(tmp, 2 * L);
        s03.intoArray(tmp, 3 * L);
        s10.intoArray(tmp, 4 * L);
        s11.intoArray(tmp, 5 * L);
        s12.intoArray(tmp, 6 * L);
        s13.intoArray(tmp, 7 * L);
        s20.intoArray(tmp, 8 * L);
        s21.intoArray(tmp, 9 * L);
        s22.intoArray(tmp, 10 * L);
        s23.intoArray(tmp, 11 * L);
        s30.intoArray(tmp, 12 * L);
        s31.intoArray(tmp, 13 * L);
        s32.intoArray(tmp, 14 * L);
        s33.intoArray(tmp, 15 * L);
        lanes16(tmp, true);
        finishBlock(tmp, a1, b1, bias, out, i, j, k1, m, bound1, k0, 4);
    }

    /** Twelve dot products at once: rows i..i+3 of a against rows j..j+2 of b, over both parts (see dots4x4). */
    private static void dots4x3(float[] a0, float[] b0, int k0, float[] a1, float[] b1, int k1, float[] bias,
            float[] out, int i, int j, int m, int bound1, float[] tmp) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00;
        // both parts, as in dots4x4
        if (k0 > 0) {   // gemmBT: no first part
            int ar0 = i * k0, ar1 = ar0 + k0, ar2 = ar1 + k0, ar3 = ar2 + k0;
            int br0 = j * k0, br1 = br0 + k0, br2 = br1 + k0;
            for (int t = 0; t < k0; t += L) {
                FloatVector w0 = FloatVector.fromArray(S, b0, br0 + t);
                FloatVector w1 = FloatVector.fromArray(S, b0, br1 + t);
                FloatVector w2 = FloatVector.fromArray(S, b0, br2 + t);
                FloatVector x = FloatVector.fromArray(S, a0, ar0 + t);
                s00 = x.fma(w0, s00);
                s01 = x.fma(w1, s01);
                s02 = x.fma(w2, s02);
                x = FloatVector.fromArray(S, a0, ar1 + t);
                s10 = x.fma(w0, s10);
                s11 = x.fma(w1, s11);
                s12 = x.fma(w2, s12);
                x = FloatVector.fromArray(S, a0, ar2 + t);
                s20 = x.fma(w0, s20);
                s21 = x.fma(w1, s21);
                s22 = x.fma(w2, s22);
                x = FloatVector.fromArray(S, a0, ar3 + t);
                s30 = x.fma(w0, s30);
                s31 = x.fma(w1, s31);
                s32 = x.fma(w2, s32);
            }
        }
        int ar0 = i * k1, ar1 = ar0 + k1, ar2 = ar1 + k1, ar3 = ar2 + k1;
        int br0 = j * k1, br1 = br0 + k1, br2 = br1 + k1;
        for (int t = 0; t < bound1; t += L) {
            FloatVector w0 = FloatVector.fromArray(S, b1, br0 + t);
            FloatVector w1 = FloatVector.fromArray(S, b1, br1 + t);
            FloatVector w2 = FloatVector.fromArray(S, b1, br2 + t);
            FloatVector x = FloatVector.fromArray(S, a1, ar0 + t);
            s00 = x.fma(w0, s00);
            s01 = x.fma(w1, s01);
            s02 = x.fma(w2, s02);
            x = FloatVector.fromArray(S, a1, ar1 + t);
            s10 = x.fma(w0, s10);
            s11 = x.fma(w1, s11);
            s12 = x.fma(w2, s12);
            x = FloatVector.fromArray(S, a1, ar2 + t);
            s20 = x.fma(w0, s20);
            s21 = x.fma(w1, s21);
            s22 = x.fma(w2, s22);
            x = FloatVector.fromArray(S, a1, ar3 + t);
            s30 = x.fma(w0, s30);
            s31 = x.fma(w1, s31);
            s32 = x.fma(w2, s32);
        }
        s00.intoArray(tmp, 0 * L);
        s01.intoArray(tmp, 1 * L);
        s02.intoArray(tmp, 2 * L);
        s10.intoArray(tmp, 3 * L);
        s11.intoArray(tmp, 4 * L);
        s12.intoArray(tmp, 5 * L);
        s20.intoArray(tmp, 6 * L);
        s21.intoArray(tmp, 7 * L);
        s22.intoArray(tmp, 8 * L);
        s30.intoArray(tmp, 9 * L);
        s31.intoArray(tmp, 10 * L);
        s32.intoArray(tmp, 11 * L);
        lanes16(tmp, false);
        finishBlock(tmp, a1, b1, bias, out, i, j, k1, m, bound1, k0, 3);
    }

    /** Lanes 0..3 of a shuffled vector: the even (or odd) lanes of one vector, then (lanes 4..7) of the next. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromValues(S, 0, 2, 4, 6, 0, 2, 4, 6);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromValues(S, 1, 3, 5, 7, 1, 3, 5, 7);
    private static final VectorMask<Float> HIGH = VectorMask.fromValues(S, false, false, false, false, true, true,
            true, true);

    /**
     * The sixteen (or twelve) accumulators in tmp[0, 16L) replaced by their lane sums in tmp[0, 16), each added as
     * {@link #lanes} adds it, ((t0+t1)+(t2+t3))+((t4+t5)+(t6+t7)), but three levels at a time across vectors: level
     * one adds the even lanes to the odd ones of two accumulators at once (x0+x1, x2+x3, x4+x5, x6+x7, y0+y1, ...),
     * level two the same on those pairs, level three on the fours. About half the instructions of sixteen scalar
     * sums (gemmBT on [32, 200] x [27, 200]: 7.1 -> 6.5 us for twelve). Its own method, and written out, for C2's
     * node budget (see gemm); the vectors come and go through tmp.
     */
    private static void lanes16(float[] t, boolean sixteen) {
        FloatVector a0 = FloatVector.fromArray(S, t, 0), a1 = FloatVector.fromArray(S, t, L);
        FloatVector a2 = FloatVector.fromArray(S, t, 2 * L), a3 = FloatVector.fromArray(S, t, 3 * L);
        FloatVector a4 = FloatVector.fromArray(S, t, 4 * L), a5 = FloatVector.fromArray(S, t, 5 * L);
        FloatVector a6 = FloatVector.fromArray(S, t, 6 * L), a7 = FloatVector.fromArray(S, t, 7 * L);
        FloatVector a8 = FloatVector.fromArray(S, t, 8 * L), a9 = FloatVector.fromArray(S, t, 9 * L);
        FloatVector a10 = FloatVector.fromArray(S, t, 10 * L), a11 = FloatVector.fromArray(S, t, 11 * L);
        // level 1: lanes 0-3 the pair sums of the first accumulator, 4-7 those of the second
        FloatVector p0 = a0.rearrange(EVEN).blend(a1.rearrange(EVEN), HIGH)
                .add(a0.rearrange(ODD).blend(a1.rearrange(ODD), HIGH));
        FloatVector p1 = a2.rearrange(EVEN).blend(a3.rearrange(EVEN), HIGH)
                .add(a2.rearrange(ODD).blend(a3.rearrange(ODD), HIGH));
        FloatVector p2 = a4.rearrange(EVEN).blend(a5.rearrange(EVEN), HIGH)
                .add(a4.rearrange(ODD).blend(a5.rearrange(ODD), HIGH));
        FloatVector p3 = a6.rearrange(EVEN).blend(a7.rearrange(EVEN), HIGH)
                .add(a6.rearrange(ODD).blend(a7.rearrange(ODD), HIGH));
        FloatVector p4 = a8.rearrange(EVEN).blend(a9.rearrange(EVEN), HIGH)
                .add(a8.rearrange(ODD).blend(a9.rearrange(ODD), HIGH));
        FloatVector p5 = a10.rearrange(EVEN).blend(a11.rearrange(EVEN), HIGH)
                .add(a10.rearrange(ODD).blend(a11.rearrange(ODD), HIGH));
        // level 2: (t0+t1)+(t2+t3) and (t4+t5)+(t6+t7) of four accumulators
        FloatVector q0 = p0.rearrange(EVEN).blend(p1.rearrange(EVEN), HIGH)
                .add(p0.rearrange(ODD).blend(p1.rearrange(ODD), HIGH));
        FloatVector q1 = p2.rearrange(EVEN).blend(p3.rearrange(EVEN), HIGH)
                .add(p2.rearrange(ODD).blend(p3.rearrange(ODD), HIGH));
        FloatVector q2 = p4.rearrange(EVEN).blend(p5.rearrange(EVEN), HIGH)
                .add(p4.rearrange(ODD).blend(p5.rearrange(ODD), HIGH));
        FloatVector q3 = q2;   // twelve: accumulators 8-11 paired with themselves, lanes 4-7 of the last sums unread
        if (sixteen) {
            FloatVector a12 = FloatVector.fromArray(S, t, 12 * L), a13 = FloatVector.fromArray(S, t, 13 * L);
            FloatVector a14 = FloatVector.fromArray(S, t, 14 * L), a15 = FloatVector.fromArray(S, t, 15 * L);
            FloatVector p6 = a12.rearrange(EVEN).blend(a13.rearrange(EVEN), HIGH)
                    .add(a12.rearrange(ODD).blend(a13.rearrange(ODD), HIGH));
            FloatVector p7 = a14.rearrange(EVEN).blend(a15.rearrange(EVEN), HIGH)
                    .add(a14.rearrange(ODD).blend(a15.rearrange(ODD), HIGH));
            q3 = p6.rearrange(EVEN).blend(p7.rearrange(EVEN), HIGH).add(p6.rearrange(ODD).blend(p7.rearrange(ODD), HIGH));
        }
        // level 3: the whole sums, accumulators 0-7, then 8-15 (8-11)
        q0.rearrange(EVEN).blend(q1.rearrange(EVEN), HIGH).add(q0.rearrange(ODD).blend(q1.rearrange(ODD), HIGH))
                .intoArray(t, 0);
        q2.rearrange(EVEN).blend(q3.rearrange(EVEN), HIGH).add(q2.rearrange(ODD).blend(q3.rearrange(ODD), HIGH))
                .intoArray(t, L);
    }

    /**
     * The 4 x width sums of a dots block, from tmp[0, 4 width) ({@link #lanes16}), the second part's tail and the
     * bias: scalar code, its own method (gemm).
     */
    private static void finishBlock(float[] tmp, float[] a1, float[] b1, float[] bias, float[] out, int i, int j,
            int k1, int m, int bound1, int k0, int width) {
        for (int q = 0; q < 4; q++) {
            int ao = (i + q) * k1, o = (i + q) * m + j;
            for (int p = 0; p < width; p++) {
                out[o + p] = finish(tmp[width * q + p], a1, ao, b1, (j + p) * k1, bias, j + p, k1, k0 + bound1);
            }
        }
    }

    private static float dot1(float[] a0, float[] b0, int k0, float[] a1, float[] b1, int k1, float[] bias, int i,
            int j, int bound1, float[] tmp) {
        FloatVector s = FloatVector.zero(S);
        for (int t = 0; t < k0; t += L) {
            s = FloatVector.fromArray(S, a0, i * k0 + t).fma(FloatVector.fromArray(S, b0, j * k0 + t), s);
        }
        for (int t = 0; t < bound1; t += L) {
            s = FloatVector.fromArray(S, a1, i * k1 + t).fma(FloatVector.fromArray(S, b1, j * k1 + t), s);
        }
        s.intoArray(tmp, 0);
        return finish(lanes(tmp, 0), a1, i * k1, b1, j * k1, bias, j, k1, k0 + bound1);
    }

    /**
     * The lanes' sum (added in a fixed order from the scratch array; none when no whole vector was summed), then
     * the tail t >= k - k % L of the second part, then the bias. Vectors never cross a method call here: a vector
     * passed to a method the JIT does not inline is boxed.
     */
    private static float finish(float lanes, float[] a, int ao, float[] b, int bo, float[] bias, int j, int k,
            int vectorLength) {
        float s = vectorLength > 0 ? lanes : 0f;
        for (int t = k - k % L; t < k; t++) {
            s = Math.fma(a[ao + t], b[bo + t], s);
        }
        return bias != null ? s + bias[j] : s;
    }

    /**
     * {@link #gemmBT}'s bits from b packed by {@link Kernels#packBT} (panels of 8 columns of b^T, each [k, 8]
     * contiguous), without horizontal sums: for rows i and a panel's columns c..c+7, eight partial sums P_l = the
     * fma chain over q of {@code a[i, 8q+l] * b[c.., 8q+l]} (q ascending, from zero: gemmBT's lane l), added
     * ((P0+P1)+(P2+P3))+((P4+P5)+(P6+P7)) as {@link #lanes} adds them, then the tail t >= bound and the bias as
     * {@link #finish}. Each output element gets exactly gemmBT's operations; only its lanes now run across columns.
     * Tiles of 2 rows x 1 vector x 8 partials, in two halves ({@link #half2}); the last pair of rows ends at the range's
     * last row, the last panel at column m, recomputing a row or columns to the same values. Fewer than 8 columns:
     * scalar code, the same operations.
     */
    @Override
    public void gemmBTPacked(float[] a, float[] bP, float[] bias, float[] out, int rowFrom, int rowTo, int k, int m) {
        int bound = k - k % L;
        if (m < L || L != Kernels.PANEL) {
            float[] p = SCRATCH.get();
            for (int i = rowFrom; i < rowTo; i++) {
                for (int j = 0; j < m; j++) {
                    out[i * m + j] = dotPacked(a, i * k, bP, bias, j, k, m, bound, p);
                }
            }
            return;
        }
        int rows = Math.min(2, rowTo - rowFrom);
        for (int i = rowFrom; i < rowTo; i += 2) {
            int r = Math.min(i, rowTo - rows);
            for (int j = 0, pb = 0; j < m; j += L, pb += k * L) {
                int c = Math.min(j, m - L);
                if (rows == 2) {
                    half2(a, bP, out, r, c, pb, k, m, bound, 0);
                    half2(a, bP, out, r, c, pb, k, m, bound, 4);
                } else {
                    partials1(a, bP, out, r, c, pb, k, m, bound);
                }
                if (bound < k || bias != null) {
                    tailPacked(a, bP, bias, out, r, rows, c, pb, k, m, bound);
                }
            }
        }
    }

    /**
     * Partial sums P_h..P_h+3 (h = 0 or 4) of rows i and i+1 at the panel pb, over t < bound, added
     * (P_h+P_h+1)+(P_h+2+P_h+3): h = 0 stores that half into out[i..i+1, c..c+L), h = 4 adds its half to it, making
     * ((P0+P1)+(P2+P3))+((P4+P5)+(P6+P7)). Two rows share each panel load. Half the partials per call keeps the method
     * under C2's inlining budget: with all sixteen accumulators in one method the final adds were, in some runs, left
     * as calls to the Java fallback (about 8.7 KB allocated per WaveNet step).
     */
    private static void half2(float[] a, float[] bP, float[] out, int i, int c, int pb, int k, int m, int bound,
            int h) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0, q0 = p0, q1 = p0, q2 = p0, q3 = p0;
        int a0 = i * k + h, a1 = a0 + k;
        for (int t = 0, bo = pb + h * L; t < bound; t += 8, bo += 8 * L) {
            FloatVector w = FloatVector.fromArray(S, bP, bo);
            p0 = FloatVector.broadcast(S, a[a0 + t]).fma(w, p0);
            q0 = FloatVector.broadcast(S, a[a1 + t]).fma(w, q0);
            w = FloatVector.fromArray(S, bP, bo + L);
            p1 = FloatVector.broadcast(S, a[a0 + t + 1]).fma(w, p1);
            q1 = FloatVector.broadcast(S, a[a1 + t + 1]).fma(w, q1);
            w = FloatVector.fromArray(S, bP, bo + 2 * L);
            p2 = FloatVector.broadcast(S, a[a0 + t + 2]).fma(w, p2);
            q2 = FloatVector.broadcast(S, a[a1 + t + 2]).fma(w, q2);
            w = FloatVector.fromArray(S, bP, bo + 3 * L);
            p3 = FloatVector.broadcast(S, a[a0 + t + 3]).fma(w, p3);
            q3 = FloatVector.broadcast(S, a[a1 + t + 3]).fma(w, q3);
        }
        int o = i * m + c;
        p0 = p0.add(p1).add(p2.add(p3));
        q0 = q0.add(q1).add(q2.add(q3));
        if (h > 0) {
            p0 = FloatVector.fromArray(S, out, o).add(p0);
            q0 = FloatVector.fromArray(S, out, o + m).add(q0);
        }
        p0.intoArray(out, o);
        q0.intoArray(out, o + m);
    }

    /** The same for one row (a range of a single row). */
    private static void partials1(float[] a, float[] bP, float[] out, int i, int c, int pb, int k, int m, int bound) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0, p6 = p0, p7 = p0;
        int a0 = i * k;
        for (int t = 0, bo = pb; t < bound; t += 8, bo += 8 * L) {
            p0 = FloatVector.broadcast(S, a[a0 + t]).fma(FloatVector.fromArray(S, bP, bo), p0);
            p1 = FloatVector.broadcast(S, a[a0 + t + 1]).fma(FloatVector.fromArray(S, bP, bo + L), p1);
            p2 = FloatVector.broadcast(S, a[a0 + t + 2]).fma(FloatVector.fromArray(S, bP, bo + 2 * L), p2);
            p3 = FloatVector.broadcast(S, a[a0 + t + 3]).fma(FloatVector.fromArray(S, bP, bo + 3 * L), p3);
            p4 = FloatVector.broadcast(S, a[a0 + t + 4]).fma(FloatVector.fromArray(S, bP, bo + 4 * L), p4);
            p5 = FloatVector.broadcast(S, a[a0 + t + 5]).fma(FloatVector.fromArray(S, bP, bo + 5 * L), p5);
            p6 = FloatVector.broadcast(S, a[a0 + t + 6]).fma(FloatVector.fromArray(S, bP, bo + 6 * L), p6);
            p7 = FloatVector.broadcast(S, a[a0 + t + 7]).fma(FloatVector.fromArray(S, bP, bo + 7 * L), p7);
        }
        p0.add(p1).add(p2.add(p3)).add(p4.add(p5).add(p6.add(p7))).intoArray(out, i * m + c);
    }

    /** Rows i..i+rows-1 at columns c..c+L: the tail t = bound..k-1 onto the stored sums, then the bias. */
    private static void tailPacked(float[] a, float[] bP, float[] bias, float[] out, int i, int rows, int c, int pb,
            int k, int m, int bound) {
        for (int r = i; r < i + rows; r++) {
            FloatVector s = FloatVector.fromArray(S, out, r * m + c);
            for (int t = bound; t < k; t++) {
                s = FloatVector.broadcast(S, a[r * k + t]).fma(FloatVector.fromArray(S, bP, pb + t * L), s);
            }
            if (bias != null) {
                s = s.add(FloatVector.fromArray(S, bias, c));
            }
            s.intoArray(out, r * m + c);
        }
    }

    /**
     * One element of {@link #gemmBTPacked} in scalar code (fewer than 8 columns: the one panel is b^T, [k, m]):
     * gemmBT's lanes as eight floats in p.
     */
    private static float dotPacked(float[] a, int ao, float[] bP, float[] bias, int j, int k, int m, int bound,
            float[] p) {
        java.util.Arrays.fill(p, 0, L, 0f);
        for (int t = 0; t < bound; t += L) {
            for (int l = 0; l < L; l++) {
                p[l] = Math.fma(a[ao + t + l], bP[(t + l) * m + j], p[l]);
            }
        }
        float s = bound > 0 ? lanes(p, 0) : 0f;
        for (int t = bound; t < k; t++) {
            s = Math.fma(a[ao + t], bP[t * m + j], s);
        }
        return bias != null ? s + bias[j] : s;
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
    public void addDouble(float[] x, int xo, double[] acc, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + j);
            DoubleVector lo = (DoubleVector) v.convert(VectorOperators.F2D, 0);
            DoubleVector hi = (DoubleVector) v.convert(VectorOperators.F2D, 1);
            lo.add(DoubleVector.fromArray(D, acc, j)).intoArray(acc, j);
            hi.add(DoubleVector.fromArray(D, acc, j + L / 2)).intoArray(acc, j + L / 2);
        }
        for (; j < len; j++) {
            acc[j] += x[xo + j];
        }
    }

    @Override
    public void addSquaredDiffDouble(float[] x, int xo, double[] mean, double[] acc, int len) {
        int j = 0;
        for (int bound = len - len % L; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + j);
            DoubleVector lo = ((DoubleVector) v.convert(VectorOperators.F2D, 0)).sub(DoubleVector.fromArray(D, mean, j));
            DoubleVector hi = ((DoubleVector) v.convert(VectorOperators.F2D, 1))
                    .sub(DoubleVector.fromArray(D, mean, j + L / 2));
            lo.mul(lo).add(DoubleVector.fromArray(D, acc, j)).intoArray(acc, j);
            hi.mul(hi).add(DoubleVector.fromArray(D, acc, j + L / 2)).intoArray(acc, j + L / 2);
        }
        for (; j < len; j++) {
            double d = x[xo + j] - mean[j];
            acc[j] += d * d;
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
