package ninja.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd#gemmBT}, {@link Simd#gemmBT2} and {@link Simd#gemmBTPacked} on the Vector API ({@link VectorSimd}'s dot
 * products of rows): 4 x 4 and 4 x 3 blocks of accumulators, their lanes summed in the fixed order of {@link
 * VectorSimd#lanes}, or from b packed into panels without horizontal sums.
 */
final class VectorDots {
    private static final VectorSpecies<Float> S = VectorSimd.S;
    private static final int L = VectorSimd.L;
    private static final boolean TILE_4X4 = VectorSimd.TILE_4X4;
    private static final ThreadLocal<float[]> SCRATCH = VectorSimd.SCRATCH;

    private VectorDots() {
    }

    private static float lanes(float[] t, int q) {
        return VectorSimd.lanes(t, q);
    }

    /**
     * gemmBT itself: the kernels of one part, kept apart from gemmBT2's (below) since the joined kernels' two loops and
     * extra arguments made gemmBT 4-8% slower (GemmBest dout @ W^T: 64x256x128 71.2-73.6 us against 66.7-67.8).
     */
    static void gemmBT(float[] a, float[] b, float[] bias, float[] out, int rowFrom, int rowTo, int k, int m) {
        int bound = k - k % L;
        // 4 x 4 blocks where TILE_4X4, then 4 x 3 ones: as many fours as leave a multiple of three (27 = 6*4 + 3)
        int threes = (4 - m % 4) % 4, m4 = TILE_4X4 && 3 * threes <= m ? m - 3 * threes : 0;
        int n4 = rowTo - (rowTo - rowFrom) % 4, m3 = m - (m - m4) % 3;
        float[] tmp = SCRATCH.get();
        for (int i = rowFrom; i < n4; i += 4) {
            for (int j = 0; j < m4; j += 4) {
                dots4x4(a, b, bias, out, i, j, k, m, bound, tmp);
            }
            for (int j = m4; j < m3; j += 3) {
                dots4x3(a, b, bias, out, i, j, k, m, bound, tmp);
            }
            for (int q = 0; q < 4; q++) {
                for (int j = m3; j < m; j++) {
                    out[(i + q) * m + j] = dot1(a, b, bias, i + q, j, k, bound, tmp);
                }
            }
        }
        for (int i = n4; i < rowTo; i++) {
            for (int j = 0; j < m; j++) {
                out[i * m + j] = dot1(a, b, bias, i, j, k, bound, tmp);
            }
        }
    }

    /** Sixteen dot products at once: rows i..i+3 of a against rows j..j+3 of b (where TILE_4X4). */
    private static void dots4x4(float[] a, float[] b, float[] bias, float[] out, int i, int j, int k, int m,
            int bound, float[] tmp) {
        int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        int b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00;
        FloatVector s13 = s00, s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int t = 0; t < bound; t += L) {
            FloatVector w0 = FloatVector.fromArray(S, b, b0 + t);
            FloatVector w1 = FloatVector.fromArray(S, b, b1 + t);
            FloatVector w2 = FloatVector.fromArray(S, b, b2 + t);
            FloatVector w3 = FloatVector.fromArray(S, b, b3 + t);
            FloatVector x = FloatVector.fromArray(S, a, a0 + t);
            s00 = x.fma(w0, s00);
            s01 = x.fma(w1, s01);
            s02 = x.fma(w2, s02);
            s03 = x.fma(w3, s03);
            x = FloatVector.fromArray(S, a, a1 + t);
            s10 = x.fma(w0, s10);
            s11 = x.fma(w1, s11);
            s12 = x.fma(w2, s12);
            s13 = x.fma(w3, s13);
            x = FloatVector.fromArray(S, a, a2 + t);
            s20 = x.fma(w0, s20);
            s21 = x.fma(w1, s21);
            s22 = x.fma(w2, s22);
            s23 = x.fma(w3, s23);
            x = FloatVector.fromArray(S, a, a3 + t);
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
        finishBlock(tmp, a, b, bias, out, i, j, k, m, bound, 4);
    }

    /** Twelve dot products at once: rows i..i+3 of a against rows j..j+2 of b. */
    private static void dots4x3(float[] a, float[] b, float[] bias, float[] out, int i, int j, int k, int m,
            int bound, float[] tmp) {
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
        finishBlock(tmp, a, b, bias, out, i, j, k, m, bound, 3);
    }


    /** The 4 x width sums of a dots block, from tmp[0, 4 width) ({@link #lanes16}): scalar code, its own method (see VectorGemm). */
    private static void finishBlock(float[] tmp, float[] a, float[] b, float[] bias, float[] out, int i, int j, int k,
            int m, int bound, int width) {
        for (int q = 0; q < 4; q++) {
            int ao = (i + q) * k, o = (i + q) * m + j;
            for (int p = 0; p < width; p++) {
                out[o + p] = finish(tmp[width * q + p], a, ao, b, (j + p) * k, bias, j + p, k, bound);
            }
        }
    }

    private static float dot1(float[] a, float[] b, float[] bias, int i, int j, int k, int bound, float[] tmp) {
        FloatVector s = FloatVector.zero(S);
        for (int t = 0; t < bound; t += L) {
            s = FloatVector.fromArray(S, a, i * k + t).fma(FloatVector.fromArray(S, b, j * k + t), s);
        }
        s.intoArray(tmp, 0);
        return finish(lanes(tmp, 0), a, i * k, b, j * k, bias, j, k, bound);
    }

    /**
     * The lanes' sum (added in a fixed order from the scratch array), then the tail t >= bound, then the bias.
     * Vectors never cross a method call here: a vector passed to a method the JIT does not inline is boxed.
     */
    private static float finish(float lanes, float[] a, int ao, float[] b, int bo, float[] bias, int j, int k,
            int bound) {
        float s = bound > 0 ? lanes : 0f;
        for (int t = bound; t < k; t++) {
            s = Math.fma(a[ao + t], b[bo + t], s);
        }
        return bias != null ? s + bias[j] : s;
    }

    /**
     * The dot products run over the first part's vectors, then on into the second part's and its tail, the same
     * accumulators throughout: each element gets gemmBT's operations on the joined rows (k0 is a multiple of L).
     */
    static void gemmBT2(float[] a0, float[] a1, float[] b0, float[] b1, float[] bias, float[] out, int rowFrom,
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
                dots4x4Joined(a0, b0, k0, a1, b1, k1, bias, out, i, j, m, bound, tmp);
            }
            for (int j = m4; j < m3; j += 3) {
                dots4x3Joined(a0, b0, k0, a1, b1, k1, bias, out, i, j, m, bound, tmp);
            }
            for (int q = 0; q < 4; q++) {
                for (int j = m3; j < m; j++) {
                    out[(i + q) * m + j] = dot1Joined(a0, b0, k0, a1, b1, k1, bias, i + q, j, bound, tmp);
                }
            }
        }
        for (int i = n4; i < rowTo; i++) {
            for (int j = 0; j < m; j++) {
                out[i * m + j] = dot1Joined(a0, b0, k0, a1, b1, k1, bias, i, j, bound, tmp);
            }
        }
    }

    /**
     * Sixteen dot products at once: rows i..i+3 of a against rows j..j+3 of b (where {@link #TILE_4X4}), over the
     * first part (a0, b0: k0 long, whole vectors) and on over the second (a1, b1: k1 long, its vectors up to bound).
     */
    private static void dots4x4Joined(float[] a0, float[] b0, int k0, float[] a1, float[] b1, int k1, float[] bias,
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
        finishBlockJoined(tmp, a1, b1, bias, out, i, j, k1, m, bound1, k0, 4);
    }

    /** Twelve dot products at once: rows i..i+3 of a against rows j..j+2 of b, over both parts (see dots4x4). */
    private static void dots4x3Joined(float[] a0, float[] b0, int k0, float[] a1, float[] b1, int k1, float[] bias,
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
        finishBlockJoined(tmp, a1, b1, bias, out, i, j, k1, m, bound1, k0, 3);
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
     * node budget (see VectorGemm); the vectors come and go through tmp.
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
     * bias: scalar code, its own method (see VectorGemm).
     */
    private static void finishBlockJoined(float[] tmp, float[] a1, float[] b1, float[] bias, float[] out, int i, int j,
            int k1, int m, int bound1, int k0, int width) {
        for (int q = 0; q < 4; q++) {
            int ao = (i + q) * k1, o = (i + q) * m + j;
            for (int p = 0; p < width; p++) {
                out[o + p] = finishJoined(tmp[width * q + p], a1, ao, b1, (j + p) * k1, bias, j + p, k1, k0 + bound1);
            }
        }
    }

    private static float dot1Joined(float[] a0, float[] b0, int k0, float[] a1, float[] b1, int k1, float[] bias, int i,
            int j, int bound1, float[] tmp) {
        FloatVector s = FloatVector.zero(S);
        for (int t = 0; t < k0; t += L) {
            s = FloatVector.fromArray(S, a0, i * k0 + t).fma(FloatVector.fromArray(S, b0, j * k0 + t), s);
        }
        for (int t = 0; t < bound1; t += L) {
            s = FloatVector.fromArray(S, a1, i * k1 + t).fma(FloatVector.fromArray(S, b1, j * k1 + t), s);
        }
        s.intoArray(tmp, 0);
        return finishJoined(lanes(tmp, 0), a1, i * k1, b1, j * k1, bias, j, k1, k0 + bound1);
    }

    /**
     * The lanes' sum (added in a fixed order from the scratch array; none when no whole vector was summed), then
     * the tail t >= k - k % L of the second part, then the bias. Vectors never cross a method call here: a vector
     * passed to a method the JIT does not inline is boxed.
     */
    private static float finishJoined(float lanes, float[] a, int ao, float[] b, int bo, float[] bias, int j, int k,
            int vectorLength) {
        float s = vectorLength > 0 ? lanes : 0f;
        for (int t = k - k % L; t < k; t++) {
            s = Math.fma(a[ao + t], b[bo + t], s);
        }
        return bias != null ? s + bias[j] : s;
    }

    /**
     * {@link Simd#gemmBT}'s bits from b packed by {@link Kernels#packBT} (panels of 8 columns of b^T, each [k, 8]
     * contiguous), without horizontal sums: for rows i and a panel's columns c..c+7, eight partial sums P_l = the
     * fma chain over q of {@code a[i, 8q+l] * b[c.., 8q+l]} (q ascending, from zero: gemmBT's lane l), added
     * ((P0+P1)+(P2+P3))+((P4+P5)+(P6+P7)) as {@link VectorSimd#lanes} adds them, then the tail t >= bound and the bias as
     * {@link #finish}. Each output element gets exactly gemmBT's operations; only its lanes now run across columns.
     * Tiles of 2 rows x 1 vector x 8 partials, in two halves ({@link #half2}); the last pair of rows ends at the range's
     * last row, the last panel at column m, recomputing a row or columns to the same values. Fewer than 8 columns:
     * scalar code, the same operations.
     */
    static void gemmBTPacked(float[] a, float[] bP, float[] bias, float[] out, int rowFrom, int rowTo, int k, int m) {
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
}
