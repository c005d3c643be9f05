package ninja.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.model.BatchNorm;
import ninja.model.Batch;
import ninja.model.Parameters;
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
    /** Every intermediate in forward order; step s computes STEPS.get(s). */
    static final List<String> STEPS = List.of("emb", "embcat", "hprebn", "bnmeani", "bndiff", "bndiff2", "bnvar",
            "bnvar_inv", "bnraw", "hpreact", "h", "logits", "logit_maxes", "norm_logits", "counts", "counts_sum",
            "counts_sum_inv", "probs", "logprobs", "loss");
    private static final int EMB = 0, EMBCAT = 1, HPREBN = 2, BNMEANI = 3, BNDIFF = 4, BNDIFF2 = 5, BNVAR = 6,
            BNVAR_INV = 7, BNRAW = 8, HPREACT = 9, H = 10, LOGITS = 11, LOGIT_MAXES = 12, NORM_LOGITS = 13,
            COUNTS = 14, COUNTS_SUM = 15, COUNTS_SUM_INV = 16, PROBS = 17, LOGPROBS = 18, LOSS = 19;

    private final int n, block, e, hid, v;
    private final int[] xb, yb;
    private final Map<String, double[]> params = new LinkedHashMap<>();
    private final Map<String, int[]> paramShapes = new LinkedHashMap<>();
    private final double[] C, W1, b1, W2, b2, bngain, bnbias;
    private final double[][] act = new double[STEPS.size()][];
    private final int[][] shapes = new int[STEPS.size()][];
    /** The unperturbed intermediates, to restore after a perturbation. */
    private final double[][] base = new double[STEPS.size()][];
    private int[] argmax;

    DoubleForward(Parameters p, Batch b) {
        n = b.n();
        block = b.blockSize();
        e = p.nEmbd();
        hid = p.nHidden();
        v = p.vocabSize();
        xb = b.xb();
        yb = b.yb();
        C = param("C", p.C);
        W1 = param("W1", p.W1);
        b1 = param("b1", p.b1);
        W2 = param("W2", p.W2);
        b2 = param("b2", p.b2);
        bngain = param("bngain", p.bngain);
        bnbias = param("bnbias", p.bnbias);
        int[][] s = {{n, block, e}, {n, block * e}, {n, hid}, {1, hid}, {n, hid}, {n, hid}, {1, hid}, {1, hid},
                {n, hid}, {n, hid}, {n, hid}, {n, v}, {n, 1}, {n, v}, {n, v}, {n, 1}, {n, 1}, {n, v}, {n, v}, {}};
        for (int i = 0; i < s.length; i++) {
            shapes[i] = s[i];
            act[i] = new double[Math.max(1, numel(s[i]))];
        }
        for (int st = 0; st <= LOSS; st++) {
            step(st, 0, n);
        }
        for (int i = 0; i < act.length; i++) {
            base[i] = act[i].clone();
        }
    }

    private double[] param(String name, Tensor t) {
        double[] d = new double[t.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.data()[i];
        }
        params.put(name, d);
        paramShapes.put(name, t.shape());
        return d;
    }

    private static int numel(int[] shape) {
        int k = 1;
        for (int d : shape) {
            k *= d;
        }
        return k;
    }

    double loss() {
        return act[LOSS][0];
    }

    int[] argmax() {
        return argmax.clone();
    }

    /** The live array of a parameter or intermediate: change elements of it, then {@link #recompute}. */
    double[] array(String name) {
        double[] p = params.get(name);
        return p != null ? p : act[index(name)];
    }

    int[] shape(String name) {
        int[] p = paramShapes.get(name);
        return p != null ? p.clone() : shapes[index(name)].clone();
    }

    private static int index(String name) {
        int i = STEPS.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no tensor named '" + name + "'");
        }
        return i;
    }

    /** The first step that reads {@code name}. */
    private static int firstReader(String name) {
        return switch (name) {
            case "C" -> EMB;
            case "W1", "b1" -> HPREBN;
            case "bngain", "bnbias" -> HPREACT;
            case "W2", "b2" -> LOGITS;
            default -> index(name) + 1;
        };
    }

    /**
     * The one row a change of element k of {@code name} can reach, or -1 for all rows: after batchnorm's
     * statistics every step works row by row, so a change in row i of bnraw ... logprobs stays in row i.
     */
    private int reachedRow(String name, int k) {
        if (params.containsKey(name)) {
            return -1;
        }
        int i = index(name);
        return i >= BNRAW && i < LOSS ? k / (act[i].length / n) : -1;
    }

    /** Recomputes everything downstream of element k of {@code name} (already changed) and returns the loss. */
    double recompute(String name, int k) {
        int row = reachedRow(name, k);
        int r0 = row < 0 ? 0 : row, r1 = row < 0 ? n : row + 1;
        for (int st = firstReader(name); st < LOSS; st++) {
            step(st, r0, r1);
        }
        step(LOSS, 0, n);
        return loss();
    }

    /** Puts every intermediate downstream of {@code name} back to its unperturbed value (k as in recompute). */
    void restore(String name, int k) {
        int row = reachedRow(name, k);
        for (int st = firstReader(name); st <= LOSS; st++) {
            if (row < 0 || st == LOSS) {
                System.arraycopy(base[st], 0, act[st], 0, act[st].length);
            } else {
                int w = act[st].length / n;
                System.arraycopy(base[st], row * w, act[st], row * w, w);
            }
        }
    }

    /**
     * One forward step y recomputed alone (its inputs as they are now, e.g. element k of x changed) and dotted
     * with {@code u} over the part of y that element k can reach; y is put back afterwards. The piece of a
     * vector-Jacobian product through y that finite differences of element k need ({@link FdVjp}).
     */
    double consumerDot(String x, int k, String y, double[] u) {
        int st = index(y);
        if ((st == BNMEANI || st == BNVAR) && rowOf(x, k) >= 0) {
            // a column statistic of x: element k moves column k % hid only
            int j = k % hid;
            double[] in = act[st == BNMEANI ? HPREBN : BNDIFF2];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += in[i * hid + j];
            }
            return sum / (st == BNMEANI ? n : n - 1) * u[j];
        }
        boolean rowwise = st != BNMEANI && st != BNVAR && st != BNVAR_INV && st != LOSS;
        int row = rowwise ? rowOf(x, k) : -1;
        int r0 = row < 0 ? 0 : row, r1 = row < 0 ? n : row + 1;
        step(st, r0, r1);
        double[] out = act[st];
        int w = rowwise ? out.length / n : out.length;
        int from = rowwise ? r0 * w : 0, to = rowwise ? r1 * w : out.length;
        double dot = 0;
        for (int i = from; i < to; i++) {
            dot += out[i] * u[i];
        }
        System.arraycopy(base[st], from, out, from, to - from);
        return dot;
    }

    /** The batch row element k of x belongs to, or -1 when x is not one row per example (parameters, statistics). */
    private int rowOf(String x, int k) {
        if (params.containsKey(x)) {
            return -1;
        }
        int i = index(x);
        return i == BNMEANI || i == BNVAR || i == BNVAR_INV || i == LOSS ? -1 : k / (act[i].length / n);
    }

    /** Rounds an intermediate to float32 in its lecture shape. */
    Tensor value(String name) {
        double[] d = act[index(name)];
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.of(f, shapes[index(name)]);
    }

    /** Forward step st for rows [r0, r1) (statistics and the loss use every row). */
    private void step(int st, int r0, int r1) {
        double[] out = act[st];
        switch (st) {
            case EMB -> { // emb = C[Xb]
                for (int i = r0 * block; i < r1 * block; i++) {
                    System.arraycopy(C, xb[i] * e, out, i * e, e);
                }
            }
            case EMBCAT -> { // embcat = emb.view(n, -1)
                int w = block * e;
                System.arraycopy(act[EMB], r0 * w, out, r0 * w, (r1 - r0) * w);
            }
            case HPREBN -> matmulRows(act[EMBCAT], W1, b1, out, block * e, hid, r0, r1); // embcat @ W1 + b1
            case BNMEANI -> { // 1/n * hprebn.sum(0, keepdim=True)
                columnSums(act[HPREBN], out);
                for (int j = 0; j < hid; j++) {
                    out[j] /= n;
                }
            }
            case BNDIFF -> rows(r0, r1, hid, (i, j) -> act[HPREBN][i * hid + j] - act[BNMEANI][j], out);
            case BNDIFF2 -> rows(r0, r1, hid, (i, j) -> act[BNDIFF][i * hid + j] * act[BNDIFF][i * hid + j], out);
            case BNVAR -> { // 1/(n-1) * bndiff2.sum(0, keepdim=True)
                columnSums(act[BNDIFF2], out);
                for (int j = 0; j < hid; j++) {
                    out[j] /= (n - 1);
                }
            }
            case BNVAR_INV -> { // (bnvar + 1e-5)**-0.5
                for (int j = 0; j < hid; j++) {
                    out[j] = 1.0 / Math.sqrt(act[BNVAR][j] + BatchNorm.EPS);
                }
            }
            case BNRAW -> rows(r0, r1, hid, (i, j) -> act[BNDIFF][i * hid + j] * act[BNVAR_INV][j], out);
            case HPREACT -> rows(r0, r1, hid, (i, j) -> bngain[j] * act[BNRAW][i * hid + j] + bnbias[j], out);
            case H -> rows(r0, r1, hid, (i, j) -> Math.tanh(act[HPREACT][i * hid + j]), out);
            case LOGITS -> matmulRows(act[H], W2, b2, out, hid, v, r0, r1); // h @ W2 + b2
            case LOGIT_MAXES -> { // logits.max(1, keepdim=True).values, at the unperturbed argmax
                if (argmax == null) {
                    argmax = new int[n];
                    for (int i = 0; i < n; i++) {
                        for (int j = 1; j < v; j++) {
                            if (act[LOGITS][i * v + j] > act[LOGITS][i * v + argmax[i]]) {
                                argmax[i] = j;
                            }
                        }
                    }
                }
                rows(r0, r1, 1, (i, j) -> act[LOGITS][i * v + argmax[i]], out);
            }
            case NORM_LOGITS -> rows(r0, r1, v, (i, j) -> act[LOGITS][i * v + j] - act[LOGIT_MAXES][i], out);
            case COUNTS -> rows(r0, r1, v, (i, j) -> Math.exp(act[NORM_LOGITS][i * v + j]), out);
            case COUNTS_SUM -> rows(r0, r1, 1, (i, j) -> {
                double s = 0;
                for (int c = 0; c < v; c++) {
                    s += act[COUNTS][i * v + c];
                }
                return s;
            }, out);
            case COUNTS_SUM_INV -> rows(r0, r1, 1, (i, j) -> 1.0 / act[COUNTS_SUM][i], out);
            case PROBS -> rows(r0, r1, v, (i, j) -> act[COUNTS][i * v + j] * act[COUNTS_SUM_INV][i], out);
            case LOGPROBS -> rows(r0, r1, v, (i, j) -> Math.log(act[PROBS][i * v + j]), out);
            case LOSS -> { // -logprobs[range(n), Yb].mean()
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += act[LOGPROBS][i * v + yb[i]];
                }
                out[0] = -s / n;
            }
            default -> throw new IllegalStateException("no step " + st);
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
