package ninja.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import ninja.tensor.CrossEntropyKernels;
import ninja.tensor.Parallel;
import ninja.tensor.Tensor;

/**
 * A layer model's training step on two threads, its batch cut in two: each thread runs the rows of its own samples
 * through every layer (the Linear products, batchnorm's normalisation, tanh, the loss and all their backward), and
 * the sums over the whole batch are cut by columns instead (batchnorm's statistics and its dgamma, dbeta over the
 * units, each weight gradient over the rows of fan_in, the embedding's scatter-add over its features), so every sum
 * keeps the one-thread order of rows. The pieces are each layer's own ({@link Layer.Split}); this class only orders
 * them into phases, a hand-over between threads ({@link Parallel#forEachPart}) where one piece needs the other
 * thread's rows or columns:
 * <pre>
 * rows     embedding lookup, Linear                     (part u: samples [s_u, s_u+1))
 * columns  batchnorm statistics (and running ones)      (part u: units [c_u, c_u+1))
 * rows     normalise, tanh, Linear ... logits, loss terms and dlogits, Linear dx, tanh backward
 * columns  dweight of the Linear above, batchnorm's dgamma, dbeta
 * rows     batchnorm dx, Linear dx, tanh backward ...
 * columns  the last dweights, the embedding's dC, every parameter's SGD update
 * then:    loss = the rows' terms summed in row order / n (on the step's thread)
 * </pre>
 * The WaveNet's step is fourteen phases. Bit-identical to {@link SequentialStep} on one thread (checked by
 * {@code ThreadsTest}): the cuts fall at multiples of 8 samples and 8 columns, so each value keeps its kernel's path.
 */
public final class BatchSplitStep {
    private final int n, vocab, sampleCut;
    private final Tensor logits;        // [n, V]: the last layer's out
    private final Tensor dlogits;       // [n, V]
    private final float[] terms;        // [n] each row's term of the loss sum
    private final IntConsumer[] phases;
    private final Tensor xb;            // [n, block] the first layer's input: the tensor the layers' pieces read
    private int[] yb;
    private float lr;

    private BatchSplitStep(Layer.Split[] splits, Tensor xb, Tensor logits, Tensor dlogits) {
        this.n = xb.dim(0);
        this.xb = xb;
        this.sampleCut = sampleCut(n);
        this.logits = logits;
        this.dlogits = dlogits;
        this.vocab = logits.dim(1);
        this.terms = new float[n];
        this.phases = schedule(splits);
    }

    /** Where the samples are cut: a multiple of 8 at or under half (under 8: no cut). */
    private static int sampleCut(int n) {
        return n / 2 & ~7;
    }

    /**
     * The step for this plan (of {@code [n, block]} contexts), or null where a layer has no split, a layer other
     * than the first has no input gradient (an Embedding further in: the plain backward stops there), or the batch is
     * too small to cut (fewer than 16 samples). The layers' splits are given their tensors here, first to last and
     * back.
     */
    public static BatchSplitStep of(Sequential.SequentialPlan plan, Tensor xb) {
        int n = xb.dim(0);
        if (sampleCut(n) < 8) {
            return null;
        }
        int count = plan.size();
        Layer.Split[] splits = new Layer.Split[count];
        Tensor t = xb;
        for (int i = 0; i < count; i++) {
            splits[i] = plan.layer(i).split();
            if (splits[i] == null) {
                return null;
            }
            t = splits[i].out(t);
        }
        Tensor dlogits = Tensor.zeros(n, t.dim(1)), d = dlogits;
        for (int i = count - 1; i >= 0; i--) {
            if (d == null) {
                return null;
            }
            d = splits[i].dx(d);
        }
        return new BatchSplitStep(splits, xb, t, dlogits);
    }

    /**
     * One step on contexts {@code x} (this step's input tensor, filled) and targets {@code y}: forward, backward,
     * SGD with lr, running statistics; returns the loss before the update.
     */
    public float step(Parallel p, Tensor x, int[] y, float lr) {
        if (x != xb) {
            throw new IllegalArgumentException("BatchSplitStep runs on the input tensor it was built for");
        }
        this.yb = y;
        this.lr = lr;
        for (IntConsumer phase : phases) {
            p.forEachPart(phase);
        }
        return CrossEntropyKernels.mean(terms, n);
    }

    /** Samples [s0, s1) of part u. */
    private int s0(int u) {
        return u == 0 ? 0 : sampleCut;
    }

    private int s1(int u) {
        return u == 0 ? sampleCut : n;
    }

    /**
     * Columns [c0, c1) of part u for a layer c wide: cut at a multiple of 8 near half; all to part 0 under 32 (the
     * embedding's: its scatter-add writes row after row, the parts' columns would share cache lines).
     */
    private static int c0(int u, int c) {
        return u == 0 ? 0 : cut(c);
    }

    private static int c1(int u, int c) {
        return u == 0 ? cut(c) : c;
    }

    private static int cut(int c) {
        return c < 32 ? c : c / 2 & ~7;
    }

    /** The rows of the loss: each row's term and its dlogits row. */
    private void lossRows(int u) {
        float[] out = logits.data(), dl = dlogits.data();
        for (int i = s0(u); i < s1(u); i++) {
            terms[i] = CrossEntropyKernels.rowTerm(out, yb, dl, i, n, vocab);
        }
    }

    /**
     * The phases of a step: forward rows until a layer needs batch statistics (a columns phase for them), then the
     * loss; backward rows until a layer needs its sums first (a columns phase, with the weight gradients waiting
     * since the last one); last, a columns phase with the remaining gradients and every update.
     */
    private IntConsumer[] schedule(Layer.Split[] splits) {
        List<IntConsumer> phases = new ArrayList<>();
        List<IntConsumer> rows = new ArrayList<>();
        for (Layer.Split s : splits) {
            rows.add(u -> {
                if (u == 0) {
                    s.prepare();      // in the step's first phase; only the backward rows read what it writes
                }
            });
        }
        boolean statistics = false;
        for (Layer.Split s : splits) {
            statistics |= s.statistics();
        }
        if (!statistics) {
            add(phases, rows);        // no statistics phase to come before the backward rows: a phase of its own
        }
        for (Layer.Split s : splits) {
            if (s.statistics()) {
                add(phases, rows);
                int c = s.columns();
                phases.add(u -> s.forwardColumns(u, c0(u, c), c1(u, c)));
            }
            rows.add(u -> s.forwardRows(s0(u), s1(u)));
        }
        rows.add(this::lossRows);
        List<IntConsumer> sums = new ArrayList<>();
        for (int i = splits.length - 1; i >= 0; i--) {
            Layer.Split s = splits[i];
            int c = s.columns();
            IntConsumer columns = u -> s.backwardColumns(u, c0(u, c), c1(u, c));
            if (s.sumsFirst()) {
                add(phases, rows);
                sums.add(columns);
                add(phases, sums);
            } else if (c > 0) {
                sums.add(columns);
            }
            rows.add(u -> s.backwardRows(s0(u), s1(u)));
        }
        add(phases, rows);
        for (Layer.Split s : splits) {
            int c = s.columns();
            sums.add(u -> s.update(lr, c0(u, c), c1(u, c)));
        }
        add(phases, sums);
        return phases.toArray(IntConsumer[]::new);
    }

    /** One hand-over: part u runs each piece's part u, in order. */
    private static void add(List<IntConsumer> phases, List<IntConsumer> pieces) {
        if (!pieces.isEmpty()) {
            phases.add(phase(pieces));
        }
        pieces.clear();
    }

    private static IntConsumer phase(List<IntConsumer> pieces) {
        IntConsumer[] ps = pieces.toArray(IntConsumer[]::new);
        return u -> {
            for (IntConsumer p : ps) {
                p.accept(u);
            }
        };
    }
}
