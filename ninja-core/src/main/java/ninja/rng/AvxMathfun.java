package ninja.rng;

/**
 * The float {@code log} and {@code sincos} of {@code avx_mathfun.h} (Cephes polynomials, by J. Pommier and
 * G. Garberoglio) that ATen's {@code normal_fill_16_AVX2} uses for {@code randn} of 16 or more floats on any
 * x86 CPU with AVX2: one lane of the 8-lane code, operation for operation, each rounded to float as the
 * vector instructions round. They are not correctly rounded (glibc's logf/cosf/sinf differ from them in about
 * a third of all draws), which is why {@link TorchGenerator} cannot use Math.log/cos/sin.
 *
 * <p>The compiler that built libtorch contracted some multiply-add pairs of the intrinsics into FMA
 * instructions (GCC's default {@code -ffp-contract=fast}): exactly the {@code Math.fma} calls below. Which
 * pairs was found by trying every combination against libtorch 2.7.1's own randn over 10^6 draws; only this
 * one gives zero mismatches (an unfused polynomial leaves about 1% of the draws one ulp off).
 */
final class AvxMathfun {
    private AvxMathfun() {
    }

    private static final float SQRTHF = (float) 0.707106781186547524;
    private static final float LOG_P0 = (float) 7.0376836292E-2, LOG_P1 = (float) -1.1514610310E-1, LOG_P2 = (float) 1.1676998740E-1,
            LOG_P3 = (float) -1.2420140846E-1, LOG_P4 = (float) 1.4249322787E-1, LOG_P5 = (float) -1.6668057665E-1,
            LOG_P6 = (float) 2.0000714765E-1, LOG_P7 = (float) -2.4999993993E-1, LOG_P8 = (float) 3.3333331174E-1;
    private static final float LOG_Q1 = (float) -2.12194440e-4, LOG_Q2 = (float) 0.693359375;

    private static final float DP1 = (float) -0.78515625, DP2 = (float) -2.4187564849853515625e-4, DP3 = (float) -3.77489497744594108e-8;
    private static final float SINCOF_P0 = (float) -1.9515295891E-4, SINCOF_P1 = (float) 8.3321608736E-3,
            SINCOF_P2 = (float) -1.6666654611E-1;
    private static final float COSCOF_P0 = (float) 2.443315711809948E-005, COSCOF_P1 = (float) -1.388731625493765E-003,
            COSCOF_P2 = (float) 4.166664568298827E-002;
    private static final float FOPI = (float) 1.27323954473516; // 4 / pi

    /** {@code log256_ps} for x > 0: x = m * 2^e with m in [0.5, 1), log(x) = log1p(m - 1) + e*log(2). */
    static float log(float x) {
        x = Math.max(x, Float.MIN_NORMAL); // cut off denormals
        int bits = Float.floatToRawIntBits(x);
        int imm0 = (bits >>> 23) - 0x7f;
        x = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f));
        float e = (float) imm0 + 1.0f;
        // if x < sqrt(1/2): e -= 1, x = x + x - 1, else x = x - 1
        boolean below = x < SQRTHF;
        float tmp = below ? x : 0.0f;
        x = x - 1.0f;
        e = e - (below ? 1.0f : 0.0f);
        x = x + tmp;
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
        y = y * x;
        y = Math.fma(y, z, e * LOG_Q1);   // y = y*z + e*q1
        y = y - z * 0.5f;                  // not contracted
        x = x + y;
        return x + e * LOG_Q2;
    }

    /**
     * {@code sincos256_ps} for x >= 0: reduce x by multiples of pi/4 in three parts (Cody-Waite), evaluate the
     * sine and cosine polynomials on the remainder and pick and sign them by the octant. Returns {sin, cos}.
     */
    static void sincos(float x, float[] sinCos) {
        float signSin = Math.copySign(1.0f, x);
        x = Math.abs(x);
        int j = (int) (x * FOPI);          // cvttps: truncation
        j = (j + 1) & ~1;                  // j = (j+1) & ~1, as in cephes
        float y = (float) j;
        boolean swapSin = (j & 4) != 0;
        boolean polyMask = (j & 2) == 0;   // sine polynomial for the sine in octants 0, 3, ...
        x = x + y * DP1;                   // not contracted
        x = x + y * DP2;
        x = x + y * DP3;
        boolean negCos = (~(j - 2) & 4) != 0;
        if (swapSin) {
            signSin = -signSin;
        }
        float z = x * x;
        float yc = COSCOF_P0;
        yc = Math.fma(yc, z, COSCOF_P1);
        yc = Math.fma(yc, z, COSCOF_P2);
        yc = yc * z;
        yc = Math.fma(yc, z, -(z * 0.5f)); // yc = yc*z - z*0.5
        yc = yc + 1.0f;
        float ys = SINCOF_P0;
        ys = Math.fma(ys, z, SINCOF_P1);
        ys = Math.fma(ys, z, SINCOF_P2);
        ys = ys * z;
        ys = Math.fma(ys, x, x);           // ys = ys*x + x
        // the vector code selects with masks and adds: sin = ysin1 + ysin2, cos = (y - ysin1) + (y2 - ysin2)
        float ysin2 = polyMask ? ys : 0.0f;
        float ysin1 = polyMask ? 0.0f : yc;
        float s = ysin1 + ysin2;
        float c = (yc - ysin1) + (ys - ysin2);
        sinCos[0] = signSin < 0 ? -s : s;   // xor with the sign bit
        sinCos[1] = negCos ? -c : c;
    }
}
