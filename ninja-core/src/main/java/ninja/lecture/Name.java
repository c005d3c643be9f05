package ninja.lecture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every tensor of the notebook's MLP by the lecture's name, as typed keys (a misspelt name does not compile), and
 * the one definition of its chunked forward graph: each intermediate names the tensors its forward line reads, in
 * the order its backward line writes their gradients. Grouped by the layer of {@link ninja.model.Mlp#layers} that computes
 * them. Everything that lists these tensors derives the list from here: the forward order ({@link #FORWARD}),
 * Exercise 1's 26 gradients in the lecture's order ({@link #EXERCISE1}), the steps that read each tensor
 * ({@link #consumers}), the parameters ({@link #PARAMETERS}).
 *
 * <p>The lower-case constants are the lecture's own spelling, so that {@code a.get(bnvar_inv)} reads as the
 * lecture's {@code bnvar_inv}.
 */
public enum Name {
    // the parameters, in the lecture's order (the checkpoint's and Parameters.trainable's)
    C, W1, b1, W2, b2, bngain, bnbias,

    // Embedding(C), FlattenConsecutive(block_size)
    emb(Shape.ROWS, C),                              // emb = C[Xb]
    embcat(Shape.ROWS, emb),                         // embcat = emb.view(n, -1)
    // Linear(W1, b1)
    hprebn(Shape.ROWS, embcat, W1, b1),              // hprebn = embcat @ W1 + b1
    // NotebookBatchNorm(bngain, bnbias): the lecture's chunks
    bnmeani(Shape.COLUMNS, hprebn),                  // bnmeani = 1/n * hprebn.sum(0, keepdim=True)
    bndiff(Shape.ROWS, hprebn, bnmeani),             // bndiff = hprebn - bnmeani
    bndiff2(Shape.ROWS, bndiff),                     // bndiff2 = bndiff**2
    bnvar(Shape.COLUMNS, bndiff2),                   // bnvar = 1/(n-1) * bndiff2.sum(0, keepdim=True)
    bnvar_inv(Shape.COLUMNS, bnvar),                 // bnvar_inv = (bnvar + 1e-5)**-0.5
    bnraw(Shape.ROWS, bndiff, bnvar_inv),            // bnraw = bndiff * bnvar_inv
    hpreact(Shape.ROWS, bngain, bnbias, bnraw),      // hpreact = bngain * bnraw + bnbias
    // Tanh()
    h(Shape.ROWS, hpreact),                          // h = torch.tanh(hpreact)
    // Linear(W2, b2)
    logits(Shape.ROWS, h, W2, b2),                   // logits = h @ W2 + b2
    // the cross-entropy loss: the lecture's chunks
    logit_maxes(Shape.ROWS, logits),                 // logit_maxes = logits.max(1, keepdim=True).values
    norm_logits(Shape.ROWS, logits, logit_maxes),    // norm_logits = logits - logit_maxes
    counts(Shape.ROWS, norm_logits),                 // counts = norm_logits.exp()
    counts_sum(Shape.ROWS, counts),                  // counts_sum = counts.sum(1, keepdims=True)
    counts_sum_inv(Shape.ROWS, counts_sum),          // counts_sum_inv = counts_sum**-1
    probs(Shape.ROWS, counts, counts_sum_inv),       // probs = counts * counts_sum_inv
    logprobs(Shape.ROWS, probs),                     // logprobs = probs.log()
    loss(Shape.SCALAR, logprobs);                    // loss = -logprobs[range(n), Yb].mean()

    /** How a tensor is laid out over the batch: what a change in one row of its input can reach. */
    public enum Shape {
        /** A learnable tensor, not an intermediate. */
        PARAMETER,
        /** One row (or block of rows) per example: a row-wise step keeps a change in that example's row. */
        ROWS,
        /** A statistic over the batch ([1, H]): every example's row feeds every element. */
        COLUMNS,
        /** The loss. */
        SCALAR
    }

    /** The seven trainable tensors, in the lecture's order. */
    public static final List<Name> PARAMETERS;
    /** The 20 intermediates in forward order: step s of the forward pass computes FORWARD.get(s). */
    public static final List<Name> FORWARD;
    /** The 26 tensors of the lecture's Exercise 1, in the order of its backward lines. */
    public static final List<Name> EXERCISE1;
    private static final Map<Name, List<Name>> CONSUMERS;

    private final Shape shape;
    private final List<Name> reads;

    Name() {
        this(Shape.PARAMETER);
    }

    Name(Shape shape, Name... reads) {
        this.shape = shape;
        this.reads = List.of(reads);
    }

    static {
        List<Name> params = new ArrayList<>(), forward = new ArrayList<>();
        Map<Name, List<Name>> consumers = new EnumMap<>(Name.class);
        for (Name t : values()) {
            (t.isParameter() ? params : forward).add(t);
            consumers.put(t, new ArrayList<>());
        }
        // a tensor's consumers in the order of the backward pass: the last reader first
        for (int s = forward.size() - 1; s >= 0; s--) {
            for (Name x : forward.get(s).reads) {
                consumers.get(x).add(forward.get(s));
            }
        }
        consumers.replaceAll((k, v) -> List.copyOf(v));
        PARAMETERS = List.copyOf(params);
        FORWARD = List.copyOf(forward);
        CONSUMERS = Collections.unmodifiableMap(consumers);
        EXERCISE1 = backwardOrder(forward, consumers);
    }

    /**
     * The order in which the lecture's backward lines write the gradients: walk the forward steps from the loss
     * back; after step y, each tensor y reads (in y's order) whose readers have all been walked is complete.
     */
    private static List<Name> backwardOrder(List<Name> forward, Map<Name, List<Name>> consumers) {
        List<Name> order = new ArrayList<>();
        Set<Name> walked = EnumSet.noneOf(Name.class);
        for (int s = forward.size() - 1; s >= 0; s--) {
            Name y = forward.get(s);
            walked.add(y);
            for (Name x : y.reads) {
                if (walked.containsAll(consumers.get(x))) {
                    order.add(x);
                }
            }
        }
        return List.copyOf(order);
    }

    public boolean isParameter() {
        return shape == Shape.PARAMETER;
    }

    public Shape shape() {
        return shape;
    }

    /** The tensors this step's forward line reads (none for a parameter), in the order its backward writes them. */
    public List<Name> reads() {
        return reads;
    }

    /** The forward steps that read this tensor, the last first: the gradients its backward line sums. */
    public List<Name> consumers() {
        return CONSUMERS.get(this);
    }

    /** This step's index in {@link #FORWARD}; -1 for a parameter. */
    public int step() {
        return FORWARD.indexOf(this);
    }

    /** The first forward step that reads this tensor. */
    public Name firstReader() {
        List<Name> c = consumers();
        return c.get(c.size() - 1);
    }

    /**
     * Whether a change in one example's row of this tensor stays in that row up to the loss: true from bnraw on,
     * where every step after batchnorm's statistics works row by row.
     */
    public boolean rowLocal() {
        if (shape != Shape.ROWS) {
            return false;
        }
        for (Name y : consumers()) {
            if (y != loss && !y.rowLocal()) {
                return false;
            }
        }
        return true;
    }

    /** Looks a lecture name up (a name typed by a user, a key of a reference's result). */
    public static Name of(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no tensor named '" + name + "'");
        }
    }
}
