package ninja.model;

import static ninja.model.Name.*;

import ninja.tensor.Ops;
import ninja.tensor.Tensor;

/**
 * Batch normalisation over the batch dimension, with Bessel's correction (variance divides by n-1) as in the
 * lecture. The atomic forward and backward are the lecture's chunks, line for line; the fused backward is
 * Exercise 3, and its loop is the one the fast training step runs.
 */
public final class BatchNorm {
    public static final float EPS = 1e-5f;
    private static final ninja.tensor.Simd SIMD = ninja.tensor.Simd.INSTANCE;

    private BatchNorm() {
    }

    public static void forward(Activations a, Tensor bngain, Tensor bnbias) {
        int n = a.get(hprebn).dim(0);
        a.set(bnmeani, Ops.mul(1.0f / n, Ops.sum0(a.get(hprebn), true)));                // bnmeani = 1/n * hprebn.sum(0, keepdim=True)
        a.set(bndiff, Ops.sub(a.get(hprebn), a.get(bnmeani)));                           // bndiff = hprebn - bnmeani
        a.set(bndiff2, Ops.mul(a.get(bndiff), a.get(bndiff)));                           // bndiff2 = bndiff**2
        a.set(bnvar, Ops.mul((float) (1.0 / (n - 1)), Ops.sum0(a.get(bndiff2), true)));  // bnvar = 1/(n-1) * bndiff2.sum(0, keepdim=True)
        a.set(bnvar_inv, Ops.map(a.get(bnvar), v -> rsqrt(v + EPS)));                    // bnvar_inv = (bnvar + 1e-5)**-0.5
        a.set(bnraw, Ops.mul(a.get(bndiff), a.get(bnvar_inv)));                          // bnraw = bndiff * bnvar_inv
        a.set(hpreact, Ops.add(Ops.mul(bngain, a.get(bnraw)), bnbias));                  // hpreact = bngain * bnraw + bnbias
    }

    /** x**-0.5 as torch computes it for float: 1 / sqrt(x), each rounded to float. */
    public static float rsqrt(float x) {
        return 1.0f / (float) Math.sqrt(x);
    }

    /** Exercise 1's batchnorm steps, from dhpreact back to dhprebn. */
    public static void backward(Activations a, Tensor bngain, Grads g) {
        int n = a.get(hprebn).dim(0);
        Tensor dhpreact = g.up(hpreact);
        // hpreact = bngain * bnraw + bnbias: bngain and bnbias were broadcast over the batch, so sum over it
        g.put(Name.bngain, Ops.sum0(Ops.mul(a.get(bnraw), dhpreact), true));  // dbngain = sum_0(bnraw * dhpreact)
        g.put(Name.bnbias, Ops.sum0(dhpreact, true));                         // dbnbias = sum_0(dhpreact)
        g.put(bnraw, Ops.mul(bngain, dhpreact));                              // dbnraw = bngain * dhpreact
        // bnraw = bndiff * bnvar_inv
        Tensor dbnraw = g.up(bnraw);
        Tensor dbndiff = Ops.mul(a.get(bnvar_inv), dbnraw);                // dbndiff  = bnvar_inv * dbnraw (first branch)
        g.put(bnvar_inv, Ops.sum0(Ops.mul(a.get(bndiff), dbnraw), true));  // dbnvar_inv = sum_0(bndiff * dbnraw)
        // bnvar_inv = (bnvar + eps)^(-1/2)  =>  d/dbnvar = -1/2 (bnvar + eps)^(-3/2)
        Tensor dvar = Ops.map(a.get(bnvar), v -> -0.5f * (float) Math.pow(v + EPS, -1.5));
        g.put(bnvar, Ops.mul(dvar, g.up(bnvar_inv)));
        // bnvar = 1/(n-1) * sum_0(bndiff2): every element of the column receives 1/(n-1) * dbnvar
        float bessel = (float) (1.0 / (n - 1));
        g.put(bndiff2, Ops.mul(Ops.map(a.get(bndiff2), x -> bessel * 1.0f), g.up(bnvar)));
        // bndiff2 = bndiff^2: second branch into dbndiff
        Ops.addInto(dbndiff, Ops.mul(Ops.mul(2.0f, a.get(bndiff)), g.up(bndiff2)));
        g.put(bndiff, dbndiff);
        // bndiff = hprebn - bnmeani: bnmeani was broadcast over the batch
        Tensor dbndiffUp = g.up(bndiff);
        Tensor dhprebn = dbndiffUp.copy();                          // dhprebn = dbndiff (first branch)
        g.put(bnmeani, Ops.mul(-1.0f, Ops.sum0(dbndiffUp, true)));  // dbnmeani = -sum_0(dbndiff)
        // bnmeani = 1/n * sum_0(hprebn): second branch into dhprebn
        Tensor dbnmeani = g.up(bnmeani);
        Ops.addInto(dhprebn, Ops.mul(1.0f / n, Ops.mul(Tensor.full(1.0f, a.get(hprebn).shape()), dbnmeani)));
        g.put(hprebn, dhprebn);
    }

    /**
     * Exercise 3, the whole batchnorm backward in one go, on tensors:
     * <pre>
     * dhprebn = bngain * bnvar_inv / n * (n * dhpreact - sum_0(dhpreact) - n/(n-1) * bnraw * sum_0(dhpreact * bnraw))
     * </pre>
     * Also yields dbngain = sum_0(dhpreact * bnraw) and dbnbias = sum_0(dhpreact), which it needs anyway.
     */
    public static void fusedBackward(Activations a, Tensor bngain, Grads g) {
        Tensor dhpreact = g.up(hpreact);
        int n = dhpreact.dim(0), h = dhpreact.dim(1);
        Tensor dhprebn = Tensor.zeros(n, h);
        Tensor dbngain = Tensor.zeros(1, h);
        Tensor dbnbias = Tensor.zeros(1, h);
        fusedBackward(dhpreact.data(), a.get(bnraw).data(), bngain.data(), a.get(bnvar_inv).data(), dhprebn.data(),
                dbngain.data(), dbnbias.data(), n, h);
        g.put(Name.bngain, dbngain);
        g.put(Name.bnbias, dbnbias);
        g.put(hprebn, dhprebn);
    }

    /** The fused batchnorm backward on row-major arrays ([n, h] activations, [h] statistics). */
    public static void fusedBackward(float[] dhpreact, float[] bnraw, float[] bngain, float[] bnvarInv,
            float[] dhprebn, float[] dbngain, float[] dbnbias, int n, int h) {
        fusedBackward(dhpreact, bnraw, bngain, bnvarInv, dhprebn, dbngain, dbnbias, n, h, new float[h]);
    }

    /**
     * The same with a scratch array of h floats for the per-unit factor {@code bngain * bnvar_inv / n}, so the
     * fast training step runs it without allocating. Two passes over the rows: the two sums, then dhprebn.
     */
    public static void fusedBackward(float[] dhpreact, float[] bnraw, float[] bngain, float[] bnvarInv,
            float[] dhprebn, float[] dbngain, float[] dbnbias, int n, int h, float[] scale) {
        java.util.Arrays.fill(dbngain, 0, h, 0f);
        java.util.Arrays.fill(dbnbias, 0, h, 0f);
        for (int i = 0; i < n; i++) {
            SIMD.bnSums(dhpreact, bnraw, i * h, dbngain, dbnbias, h);  // dbnbias = sum_0(dhpreact), dbngain = sum_0(dhpreact * bnraw)
        }
        float fn = n;
        float bessel = (float) ((double) n / (n - 1));  // n/(n-1)
        for (int j = 0; j < h; j++) {
            scale[j] = bngain[j] * bnvarInv[j] / fn;  // bngain * bnvar_inv / n
        }
        for (int i = 0; i < n; i++) {
            SIMD.bnBackwardRow(dhpreact, bnraw, i * h, scale, dbnbias, dbngain, fn, bessel, dhprebn, h);
        }
    }
}
