package ninja.model;

import java.util.LinkedHashMap;
import java.util.Map;
import ninja.tensor.Tensor;

/**
 * Every intermediate of the lecture's chunked forward pass, by the lecture's names (one struct, as in
 * llm.c's ActivationTensors), kept for the backward pass.
 */
public final class Activations {
    public Tensor emb, embcat;
    public Tensor hprebn;
    public Tensor bnmeani, bndiff, bndiff2, bnvar, bnvar_inv, bnraw, hpreact;
    public Tensor h;
    public Tensor logits;
    public Tensor logit_maxes, norm_logits, counts, counts_sum, counts_sum_inv, probs, logprobs, loss;
    /** logits.max(1).indices: where dlogit_maxes flows back to. */
    public int[] logit_argmax;

    /** The intermediates by name, in forward order. */
    public Map<String, Tensor> byName() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("emb", emb);
        m.put("embcat", embcat);
        m.put("hprebn", hprebn);
        m.put("bnmeani", bnmeani);
        m.put("bndiff", bndiff);
        m.put("bndiff2", bndiff2);
        m.put("bnvar", bnvar);
        m.put("bnvar_inv", bnvar_inv);
        m.put("bnraw", bnraw);
        m.put("hpreact", hpreact);
        m.put("h", h);
        m.put("logits", logits);
        m.put("logit_maxes", logit_maxes);
        m.put("norm_logits", norm_logits);
        m.put("counts", counts);
        m.put("counts_sum", counts_sum);
        m.put("counts_sum_inv", counts_sum_inv);
        m.put("probs", probs);
        m.put("logprobs", logprobs);
        m.put("loss", loss);
        return m;
    }

    /** Sets an intermediate by name (used to run a backward step on another engine's forward values). */
    public void set(String name, Tensor t) {
        switch (name) {
            case "emb" -> emb = t;
            case "embcat" -> embcat = t;
            case "hprebn" -> hprebn = t;
            case "bnmeani" -> bnmeani = t;
            case "bndiff" -> bndiff = t;
            case "bndiff2" -> bndiff2 = t;
            case "bnvar" -> bnvar = t;
            case "bnvar_inv" -> bnvar_inv = t;
            case "bnraw" -> bnraw = t;
            case "hpreact" -> hpreact = t;
            case "h" -> h = t;
            case "logits" -> logits = t;
            case "logit_maxes" -> logit_maxes = t;
            case "norm_logits" -> norm_logits = t;
            case "counts" -> counts = t;
            case "counts_sum" -> counts_sum = t;
            case "counts_sum_inv" -> counts_sum_inv = t;
            case "probs" -> probs = t;
            case "logprobs" -> logprobs = t;
            case "loss" -> loss = t;
            default -> throw new IllegalArgumentException("no intermediate named '" + name + "'");
        }
    }
}
