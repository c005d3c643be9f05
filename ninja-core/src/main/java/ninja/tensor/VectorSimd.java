package ninja.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd} on the Vector API. Loaded by name only when the incubator module is present.
 * The species sits in a static final field: in an instance field the JIT cannot specialise the loops.
 * 256-bit vectors did as well as 512-bit ones on this model's sizes and run on every AVX2 machine.
 */
final class VectorSimd extends Simd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public float dot(float[] x, int xo, float[] y, int yo, int len) {
        int i = 0;
        float s;
        int bound = len - len % L;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += L) {
                acc = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc);
            }
            s = acc.reduceLanes(VectorOperators.ADD);
        } else {
            s = 0f;
        }
        for (; i < len; i++) {
            s += x[xo + i] * y[yo + i];
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
            y[yo + i] += a * x[xo + i];
        }
    }
}
