package ninja.tensor;

/**
 * Float tanh and exp for the fast path, written with {@link Math#fma} so that the vector lanes in
 * {@link VectorSimd} compute exactly the same values (same operations, same order, one rounding each).
 * {@code Math.tanh} is a slow library call on JDK 17 and {@code Math.exp} one call per element.
 */
public final class FastMath {
    // tanh as Cephes tanhf computes it: for |x| >= 0.625, 1 - 2 / (exp(2|x|) + 1) with the sign of x (no
    // cancellation there, and near saturation the result is 1 minus a small, accurately known term, so 1 - h^2 in
    // the backward stays accurate); below, the odd polynomial x + x^3 P(x^2)
    static final float TANH_SPLIT = 0.625f;
    static final float T0 = -5.70498872745E-3f, T1 = 2.06390887954E-2f, T2 = -5.37397155531E-2f,
            T3 = 1.33314422036E-1f, T4 = -3.33332819422E-1f;

    // exp(x) = 2^n exp(r), n = round(x log2 e), r = x - n ln 2 (Cody-Waite, two parts); Cephes expf polynomial
    static final float EXP_LO = -87.3f, EXP_HI = 88.0f;
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds a float to an integer, which lands in the low mantissa bits. */
    static final float MAGIC = 12582912f;
    static final int MAGIC_BITS = 0x4B400000;
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    static final float P0 = 1.9875691500E-4f, P1 = 1.3981999507E-3f, P2 = 8.3334519073E-3f, P3 = 4.1665795894E-2f,
            P4 = 1.6666665459E-1f, P5 = 5.0000001201E-1f;

    private FastMath() {
    }

    public static float tanh(float x) {
        float z = Math.abs(x);
        if (z >= TANH_SPLIT) {
            float t = 1f - 2f / (exp(z + z) + 1f);
            return Math.copySign(t, x);
        }
        float x2 = x * x;
        float p = Math.fma(T0, x2, T1);
        p = Math.fma(p, x2, T2);
        p = Math.fma(p, x2, T3);
        p = Math.fma(p, x2, T4);
        return Math.fma(p * x2, x, x);
    }

    public static float exp(float x) {
        float c = Math.max(Math.min(x, EXP_HI), EXP_LO);
        float t = Math.fma(c, LOG2E, MAGIC);
        float n = t - MAGIC;
        float r = Math.fma(n, -LN2_HI, c);
        r = Math.fma(n, -LN2_LO, r);
        float y = Math.fma(P0, r, P1);
        y = Math.fma(y, r, P2);
        y = Math.fma(y, r, P3);
        y = Math.fma(y, r, P4);
        y = Math.fma(y, r, P5);
        y = Math.fma(y, r * r, r);
        y = y + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - MAGIC_BITS + 127) << 23);
        return y * scale;
    }
}
