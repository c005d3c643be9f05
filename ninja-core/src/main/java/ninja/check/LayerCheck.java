package ninja.check;

import java.util.ArrayList;
import java.util.List;
import ninja.model.Batch;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.tensor.Tensor;
import ninja.train.SequentialStep;

/**
 * The lecture's cmp table for a layer model: our hand-written backward against a reference, one row per layer
 * output (d loss / d layers[i].out) and per parameter, from the loss back to the embedding. Where the reference
 * knows some elements only (finite differences on a large tensor), the row compares those.
 */
public final class LayerCheck {
    private LayerCheck() {
    }

    /** One row: its cmp, and how many elements were compared of how many. */
    public record Row(Cmp.Row cmp, int compared, int elements) {
        public boolean ok() {
            return cmp.ok();
        }
    }

    public record Report(String reference, double loss, double referenceLoss, List<Row> rows) {
        public boolean ok() {
            return rows.stream().allMatch(Row::ok);
        }

        public List<String> failed() {
            return rows.stream().filter(r -> !r.ok()).map(r -> r.cmp().name()).toList();
        }

        public double maxdiff() {
            return rows.stream().mapToDouble(r -> r.cmp().maxdiff()).max().orElse(0);
        }
    }

    /** Runs our forward and backward on b, then compares every gradient with the reference's. */
    public static Report run(Sequential model, Batch b, LayerReference reference) {
        SequentialStep step = new SequentialStep(model, b.n(), b.blockSize());
        float loss = step.forwardBackward(b);
        LayerGradients ref = reference.compute(model, b);
        List<Row> rows = new ArrayList<>();
        for (int i = model.layers().size() - 1; i >= 0; i--) {
            Tensor refOut = ref.outputs().get(i);
            if (refOut != null) {
                rows.add(row("layers." + i + ".out", step.plan().grad(i), refOut, ref.sampled().get(i)));
            }
            for (Param p : model.layers().get(i).params()) {
                rows.add(row(p.name(), p.grad, ref.params().get(p), ref.sampled().get(p)));
            }
        }
        return new Report(reference.name(), loss, ref.loss(), rows);
    }

    static Row row(String name, Tensor mine, Tensor reference, int[] sampled) {
        if (sampled == null || reference == null || mine == null || !mine.sameShape(reference)) {
            return new Row(Cmp.cmp(name, mine, reference), reference == null ? 0 : reference.numel(),
                    reference == null ? 0 : reference.numel());
        }
        float[] a = new float[sampled.length], r = new float[sampled.length];
        for (int k = 0; k < sampled.length; k++) {
            a[k] = mine.data()[sampled[k]];
            r[k] = reference.data()[sampled[k]];
        }
        return new Row(Cmp.compare(name, a, r), sampled.length, reference.numel());
    }
}
