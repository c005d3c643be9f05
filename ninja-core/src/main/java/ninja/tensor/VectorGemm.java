package ninja.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd#gemm} on the Vector API ({@link VectorSimd}'s matmul {@code A @ b}): register tiles of 4 rows x 4 or 3
 * vectors, 8 x 1 blocks, single rows, each element one chain of fused multiply-adds over t whatever its block.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = VectorSimd.S;
    private static final int L = VectorSimd.L;
    private static final boolean TILE_4X4 = VectorSimd.TILE_4X4;

    private VectorGemm() {
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
    static void gemm(float[] a, int aRow, int aCol, float[] b, float[] bias, float[] out, int rowFrom, int rowTo,
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
}
