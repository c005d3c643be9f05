package ninja.cli;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import ninja.check.Cmp;
import ninja.tensor.Tensor;

/**
 * The notebook's state in {@code ./ninja shell}, whose session (running in this JVM) starts with
 * {@code import static ninja.cli.ShellState.*}: one import instead of sixty variable snippets, which jshell would
 * compile one by one (about 20 s). The fields are the lecture's names; each holds a copy, so a line that changes
 * a tensor in place hurts nothing else.
 */
public final class ShellState {
    // the batch: Xb [n, block_size] row-major, Yb [n]
    public static int n, block_size;
    public static int[] Xb, Yb;
    // the parameters
    public static Tensor C, W1, b1, W2, b2, bngain, bnbias;
    // the forward pass's intermediates (the reference's own where it has them, as the grader uses)
    public static Tensor emb, embcat, hprebn, bnmeani, bndiff, bndiff2, bnvar, bnvar_inv, bnraw, hpreact, h, logits;
    public static Tensor logit_maxes, norm_logits, counts, counts_sum, counts_sum_inv, probs, logprobs, loss;
    // the reference's gradients: dX_ref = dloss/dX, and all of them by tensor name
    public static Tensor dC_ref, dW1_ref, db1_ref, dW2_ref, db2_ref, dbngain_ref, dbnbias_ref;
    public static Tensor demb_ref, dembcat_ref, dhprebn_ref, dbnmeani_ref, dbndiff_ref, dbndiff2_ref, dbnvar_ref;
    public static Tensor dbnvar_inv_ref, dbnraw_ref, dhpreact_ref, dh_ref, dlogits_ref, dlogit_maxes_ref;
    public static Tensor dnorm_logits_ref, dcounts_ref, dcounts_sum_ref, dcounts_sum_inv_ref, dprobs_ref, dlogprobs_ref;
    public static Map<String, Tensor> grads = Map.of();

    private ShellState() {
    }

    /** The lecture's cmp: prints one row comparing {@code mine} with {@code reference}. */
    public static void cmp(String name, Tensor mine, Tensor reference) {
        Cmp.print(name, mine, reference);
    }

    /** cmp against the reference's gradient of tensor {@code name}: {@code cmp("probs", dprobs)}. */
    public static void cmp(String name, Tensor mine) {
        cmp(name, mine, grads.get(name));
    }

    /** Fills the fields: a tensor by its name, a gradient as d + name + _ref. */
    static void set(int batch, int blockSize, int[] xb, int[] yb, Map<String, Tensor> values, Map<String, Tensor> g) {
        n = batch;
        block_size = blockSize;
        Xb = xb.clone();
        Yb = yb.clone();
        Map<String, Tensor> copies = new LinkedHashMap<>();
        g.forEach((k, v) -> copies.put(k, v.copy()));
        grads = Collections.unmodifiableMap(copies);
        values.forEach((name, t) -> put(name, t));
        g.forEach((name, t) -> put("d" + name + "_ref", t));
    }

    private static void put(String field, Tensor t) {
        try {
            Field f = ShellState.class.getField(field);
            if (f.getType() == Tensor.class && Modifier.isStatic(f.getModifiers()) && t != null) {
                f.set(null, t.copy());
            }
        } catch (NoSuchFieldException e) {
            // a tensor the lecture does not name (a reference's extra): reachable through grads only
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
