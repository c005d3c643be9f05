package ninja.rng;

/**
 * One lane of {@code log256_ps} and {@code sincos256_ps} from avx_mathfun.h (Cephes polynomials in float), as
 * libtorch 2.7.1's AVX2 {@code normal_fill_16_AVX2} runs them. The official x86-64 build leaves the AVX-512 slot
 * of the distribution kernels empty, so AVX2 code runs even on AVX-512 machines; its compiler contracted some
 * multiply-adds into FMA instructions, and each {@link Math#fma} here sits exactly where the disassembly of
 * libtorch_cpu.so has one. Everything else is a separately rounded float operation, in the source's order.
 */
final class CephesAvx {
    private CephesAvx() {
    }

    private static final float SQRTHF = 0.707106781186547524f;
    private static final float LOG_P0 = 7.0376836292E-2f;
    private static final float LOG_P1 = -1.1514610310E-1f;
    private static final float LOG_P2 = 1.1676998740E-1f;
    private static final float LOG_P3 = -1.2420140846E-1f;
    private static final float LOG_P4 = +1.4249322787E-1f;
    private static final float LOG_P5 = -1.6668057665E-1f;
    private static final float LOG_P6 = +2.0000714765E-1f;
    private static final float LOG_P7 = -2.4999993993E-1f;
    private static final float LOG_P8 = +3.3333331174E-1f;
    private static final float LOG_Q1 = -2.12194440e-4f;
    private static final float LOG_Q2 = 0.693359375f;
    private static final float MIN_NORM_POS = Float.intBitsToFloat(0x00800000);

    private static final float MINUS_DP1 = -0.78515625f;
    private static final float MINUS_DP2 = -2.4187564849853515625e-4f;
    private static final float MINUS_DP3 = -3.77489497744594108e-8f;
    private static final float SINCOF_P0 = -1.9515295891E-4f;
    private static final float SINCOF_P1 = 8.3321608736E-3f;
    private static final float SINCOF_P2 = -1.6666654611E-1f;
    private static final float COSCOF_P0 = 2.443315711809948E-005f;
    private static final float COSCOF_P1 = -1.388731625493765E-003f;
    private static final float COSCOF_P2 = 4.166664568298827E-002f;
    private static final float FOPI = 1.27323954473516f;

    /** log256_ps for one lane: x <= 0 gives NaN (all bits set, as the source's OR with the invalid mask). */
    static float log(float x) {
        boolean invalid = x <= 0f;
        x = Math.max(x, MIN_NORM_POS);
        int bits = Float.floatToRawIntBits(x);
        int imm0 = (bits >>> 23) - 0x7f;
        x = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f));
        float e = (float) imm0 + 1.0f;
        // if (x < SQRTHF) { e -= 1; x = x + x - 1 } else { x = x - 1 }
        boolean small = x < SQRTHF;
        float tmp = small ? x : 0f;
        float xm1 = x - 1.0f;
        e = e - (small ? 1.0f : 0f);
        x = tmp + xm1;
        float z = x * x;
        float y = LOG_P0;
        y = Math.fma(y, x, LOG_P1);
        y = Math.fma(y, x, LOG_P2);
        y = Math.fma(y, x, LOG_P3);
        y = Math.fma(y, x, LOG_P4);
        y = Math.fma(y, x, LOG_P5);
        y = Math.fma(y, x, LOG_P6);
        y = Math.fma(y, x, LOG_P7);
        y = Math.fma(y, x, LOG_P8);
        y = x * y;
        y = Math.fma(y, z, e * LOG_Q1);
        y = Math.fma(-z, 0.5f, y);
        x = x + y;
        x = Math.fma(e, LOG_Q2, x);
        return invalid ? Float.intBitsToFloat(-1) : x;
    }

    /** sincos256_ps for one lane: out[0] = sin(x), out[1] = cos(x). */
    static void sincos(float x, float[] out) {
        int signSin = Float.floatToRawIntBits(x) & 0x80000000;
        x = Math.abs(x);
        float y = x * FOPI;
        int j = ((int) y + 1) & ~1;
        y = (float) j;
        int swapSignSin = (j & 4) << 29;
        boolean polyMask = (j & 2) == 0;
        x = Math.fma(y, MINUS_DP1, x);
        x = Math.fma(y, MINUS_DP2, x);
        x = Math.fma(y, MINUS_DP3, x);
        int signCos = (~(j - 2) & 4) << 29;
        signSin ^= swapSignSin;
        float z = x * x;
        float c = COSCOF_P0;
        c = Math.fma(c, z, COSCOF_P1);
        c = Math.fma(c, z, COSCOF_P2);
        float half = z * 0.5f;
        c = z * c;
        c = Math.fma(c, z, -half);
        c = 1.0f + c;
        float s = SINCOF_P0;
        s = Math.fma(s, z, SINCOF_P1);
        s = Math.fma(s, z, SINCOF_P2);
        s = z * s;
        s = Math.fma(x, s, x);
        // select: polyMask picks the sine polynomial for sin and the cosine polynomial for cos
        float ysin2 = polyMask ? s : 0f;
        float ysin1 = polyMask ? 0f : c;
        s = s - ysin2;
        c = c - ysin1;
        float sin = ysin2 + ysin1;
        float cos = c + s;
        out[0] = Float.intBitsToFloat(Float.floatToRawIntBits(sin) ^ signSin);
        out[1] = Float.intBitsToFloat(Float.floatToRawIntBits(cos) ^ signCos);
    }
}
