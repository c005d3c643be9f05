package ninja.check;

import static ninja.lecture.Name.*;

import ninja.data.Batch;
import ninja.lecture.Name;
import ninja.model.Parameters;
import ninja.tensor.BatchNormKernels;
import ninja.tensor.Tensor;

/**
 * The lecture's chunked forward pass in float64, on the float32 parameter values, that can restart from any
 * intermediate: change elements of one tensor (a parameter or an intermediate) and {@link #recompute} runs only
 * the steps after it, the tensors before it stay as they are. That is what finite differences need to get the
 * gradient of an intermediate: hprebn perturbed feeds both bnmeani and bndiff, logits feeds both logit_maxes
 * and norm_logits, and so on, exactly as in the graph.
 *
 * <p>logit_maxes is taken at the argmax of the unperturbed forward pass, so a perturbation of logits moves
 * logit_maxes the way torch's max(1) gradient does (through the index it picked), not by switching rows.
 */
final class DoubleForward {
    private final int n, block, e, hid, v;
    private final int[] xb, yb;
    /** Every tensor by {@link Name#ordinal}: the parameters' float64 copies, then the intermediates. */
    private final double[][] act = new double[Name.values().length][];
    private final int[][] shapes = new int[Name.values().length][];
    /** The unperturbed intermediates, to restore after a perturbation. */
    private final double[][] base = new double[Name.values().length][];
    private int[] argmax;

    DoubleForward(Parameters p, Batch b) {
        n = b.n();
        block = b.blockSize();
        e = p.nEmbd();
        hid = p.nHidden();
        v = p.vocabSize();
        xb = b.xb();
        yb = b.yb();
        for (Name t : Name.PARAMETERS) {
            Tensor value = p.get(t);
            act[t.ordinal()] = new double[value.numel()];
            for (int i = 0; i < value.numel(); i++) {
                act[t.ordinal()][i] = value.data()[i];
            }
            shapes[t.ordinal()] = value.shape();
        }
        for (Name t : Name.FORWARD) {
            shapes[t.ordinal()] = lectureShape(t);
            act[t.ordinal()] = new double[Math.max(1, numel(shapes[t.ordinal()]))];
        }
        for (Name t : Name.FORWARD) {
            step(t, 0, n);
        }
        for (Name t : Name.FORWARD) {
            base[t.ordinal()] = a(t).clone();
        }
    }

    /** The intermediate's shape in the lecture. */
    private int[] lectureShape(Name t) {
        return switch (t) {
            case emb -> new int[] {n, block, e};
            case embcat -> new int[] {n, block * e};
            case hprebn, bndiff, bndiff2, bnraw, hpreact, h -> new int[] {n, hid};
            case bnmeani, bnvar, bnvar_inv -> new int[] {1, hid};
            case logits, norm_logits, counts, probs, logprobs -> new int[] {n, v};
            case logit_maxes, counts_sum, counts_sum_inv -> new int[] {n, 1};
            case loss -> new int[] {};
            case C, W1, b1, W2, b2, bngain, bnbias -> throw new IllegalArgumentException(t + " is a parameter");
        };
    }

    private static int numel(int[] shape) {
        int k = 1;
        for (int d : shape) {
            k *= d;
        }
        return k;
    }

    private double[] a(Name t) {
        return act[t.ordinal()];
    }

    double loss() {
        return a(loss)[0];
    }

    int[] argmax() {
        return argmax.clone();
    }

    /** The live array of a parameter or intermediate: change elements of it, then {@link #recompute}. */
    double[] array(Name t) {
        return a(t);
    }

    int[] shape(Name t) {
        return shapes[t.ordinal()].clone();
    }

    /**
     * The one row a change of element k of {@code t} can reach, or -1 for all rows: after batchnorm's
     * statistics every step works row by row, so a change in row i of bnraw ... logprobs stays in row i.
     */
    private int reachedRow(Name t, int k) {
        return t.rowLocal() ? k / (a(t).length / n) : -1;
    }

    /** Recomputes everything downstream of element k of {@code t} (already changed) and returns the loss. */
    double recompute(Name t, int k) {
        int row = reachedRow(t, k);
        int r0 = row < 0 ? 0 : row, r1 = row < 0 ? n : row + 1;
        for (int st = t.firstReader().step(); st < loss.step(); st++) {
            step(Name.FORWARD.get(st), r0, r1);
        }
        step(loss, 0, n);
        return loss();
    }

    /** Puts every intermediate downstream of {@code t} back to its unperturbed value (k as in recompute). */
    void restore(Name t, int k) {
        int row = reachedRow(t, k);
        for (int st = t.firstReader().step(); st < Name.FORWARD.size(); st++) {
            Name y = Name.FORWARD.get(st);
            if (row < 0 || y == loss) {
                System.arraycopy(base[y.ordinal()], 0, a(y), 0, a(y).length);
            } else {
                int w = a(y).length / n;
                System.arraycopy(base[y.ordinal()], row * w, a(y), row * w, w);
            }
        }
    }

    /**
     * One forward step y recomputed alone (its inputs as they are now, e.g. element k of x changed) and dotted
     * with {@code u} over the part of y that element k can reach; y is put back afterwards. The piece of a
     * vector-Jacobian product through y that finite differences of element k need ({@link FdVjp}).
     */
    double consumerDot(Name x, int k, Name y, double[] u) {
        if ((y == bnmeani || y == bnvar) && rowOf(x, k) >= 0) {
            // a column statistic of x: element k moves column k % hid only
            int j = k % hid;
            double[] in = a(x);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += in[i * hid + j];
            }
            return sum / (y == bnmeani ? n : n - 1) * u[j];
        }
        boolean rowwise = y.shape() == Name.Shape.ROWS;
        int row = rowwise ? rowOf(x, k) : -1;
        int r0 = row < 0 ? 0 : row, r1 = row < 0 ? n : row + 1;
        step(y, r0, r1);
        double[] out = a(y);
        int w = rowwise ? out.length / n : out.length;
        int from = rowwise ? r0 * w : 0, to = rowwise ? r1 * w : out.length;
        double dot = 0;
        for (int i = from; i < to; i++) {
            dot += out[i] * u[i];
        }
        System.arraycopy(base[y.ordinal()], from, out, from, to - from);
        return dot;
    }

    /** The batch row element k of x belongs to, or -1 when x is not one row per example (parameters, statistics). */
    private int rowOf(Name x, int k) {
        return x.shape() == Name.Shape.ROWS ? k / (a(x).length / n) : -1;
    }

    /** Rounds an intermediate to float32 in its lecture shape. */
    Tensor value(Name t) {
        double[] d = a(t);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.of(f, shapes[t.ordinal()]);
    }

    /** Forward step t for rows [r0, r1) (statistics and the loss use every row). */
    private void step(Name t, int r0, int r1) {
        double[] out = a(t);
        switch (t) {
            case emb -> { // emb = C[Xb]
                for (int i = r0 * block; i < r1 * block; i++) {
                    System.arraycopy(a(C), xb[i] * e, out, i * e, e);
                }
            }
            case embcat -> { // embcat = emb.view(n, -1)
                int w = block * e;
                System.arraycopy(a(emb), r0 * w, out, r0 * w, (r1 - r0) * w);
            }
            case hprebn -> matmulRows(a(embcat), a(W1), a(b1), out, block * e, hid, r0, r1); // embcat @ W1 + b1
            case bnmeani -> { // 1/n * hprebn.sum(0, keepdim=True)
                columnSums(a(hprebn), out);
                for (int j = 0; j < hid; j++) {
                    out[j] /= n;
                }
            }
            case bndiff -> rows(r0, r1, hid, (i, j) -> a(hprebn)[i * hid + j] - a(bnmeani)[j], out);
            case bndiff2 -> rows(r0, r1, hid, (i, j) -> a(bndiff)[i * hid + j] * a(bndiff)[i * hid + j], out);
            case bnvar -> { // 1/(n-1) * bndiff2.sum(0, keepdim=True)
                columnSums(a(bndiff2), out);
                for (int j = 0; j < hid; j++) {
                    out[j] /= (n - 1);
                }
            }
            case bnvar_inv -> { // (bnvar + 1e-5)**-0.5
                for (int j = 0; j < hid; j++) {
                    out[j] = 1.0 / Math.sqrt(a(bnvar)[j] + BatchNormKernels.EPS);
                }
            }
            case bnraw -> rows(r0, r1, hid, (i, j) -> a(bndiff)[i * hid + j] * a(bnvar_inv)[j], out);
            case hpreact -> rows(r0, r1, hid, (i, j) -> a(bngain)[j] * a(bnraw)[i * hid + j] + a(bnbias)[j], out);
            case h -> rows(r0, r1, hid, (i, j) -> Math.tanh(a(hpreact)[i * hid + j]), out);
            case logits -> matmulRows(a(h), a(W2), a(b2), out, hid, v, r0, r1); // h @ W2 + b2
            case logit_maxes -> { // logits.max(1, keepdim=True).values, at the unperturbed argmax
                if (argmax == null) {
                    argmax = new int[n];
                    for (int i = 0; i < n; i++) {
                        for (int j = 1; j < v; j++) {
                            if (a(logits)[i * v + j] > a(logits)[i * v + argmax[i]]) {
                                argmax[i] = j;
                            }
                        }
                    }
                }
                rows(r0, r1, 1, (i, j) -> a(logits)[i * v + argmax[i]], out);
            }
            case norm_logits -> rows(r0, r1, v, (i, j) -> a(logits)[i * v + j] - a(logit_maxes)[i], out);
            case counts -> rows(r0, r1, v, (i, j) -> Math.exp(a(norm_logits)[i * v + j]), out);
            case counts_sum -> rows(r0, r1, 1, (i, j) -> {
                double s = 0;
                for (int c = 0; c < v; c++) {
                    s += a(counts)[i * v + c];
                }
                return s;
            }, out);
            case counts_sum_inv -> rows(r0, r1, 1, (i, j) -> 1.0 / a(counts_sum)[i], out);
            case probs -> rows(r0, r1, v, (i, j) -> a(counts)[i * v + j] * a(counts_sum_inv)[i], out);
            case logprobs -> rows(r0, r1, v, (i, j) -> Math.log(a(probs)[i * v + j]), out);
            case loss -> { // -logprobs[range(n), Yb].mean()
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += a(logprobs)[i * v + yb[i]];
                }
                out[0] = -s / n;
            }
            case C, W1, b1, W2, b2, bngain, bnbias -> throw new IllegalStateException(t + " is a parameter, no step");
        }
    }

    private interface Elem {
        double at(int i, int j);
    }

    private static void rows(int r0, int r1, int w, Elem f, double[] out) {
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < w; j++) {
                out[i * w + j] = f.at(i, j);
            }
        }
    }

    private void columnSums(double[] a, double[] out) {
        java.util.Arrays.fill(out, 0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < hid; j++) {
                out[j] += a[i * hid + j];
            }
        }
    }

    /** out[i] = x[i] @ w + bias for rows [r0, r1), x[n, k], w[k, m]. */
    private static void matmulRows(double[] x, double[] w, double[] bias, double[] out, int k, int m, int r0,
            int r1) {
        for (int i = r0; i < r1; i++) {
            int o = i * m;
            System.arraycopy(bias, 0, out, o, m);
            for (int c = 0; c < k; c++) {
                double a = x[i * k + c];
                int wr = c * m;
                for (int j = 0; j < m; j++) {
                    out[o + j] += a * w[wr + j];
                }
            }
        }
    }
}
