package ninja.cli;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.Config;
import ninja.model.Mlp;
import ninja.model.ModelConfig;
import ninja.model.Start;
import ninja.model.WaveNetConfig;
import ninja.nn.CrossEntropyLoss;
import ninja.nn.Layer;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.tensor.Parallel;
import ninja.tensor.Tensor;

/**
 * {@code ./ninja bench --layers}: where a training step's time goes, layer by layer. The model's plans run as
 * {@link SequentialStep#step} runs them (forward first to last, the fused cross-entropy, backward last to first,
 * then every plan's SGD update and running statistics) on the benchmark's batches, each call timed on its own:
 * microseconds per step, means over the timed steps after a warm-up, and each row's share of the step. Timing each
 * call adds a few tens of nanoseconds to it; the step row is the sum of the rows.
 */
final class LayerProfile {
    private LayerProfile() {
    }

    /** One layer's mean time per step in its plan's forward, backward, and update with commit. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Row(String layer, double forwardUs, double backwardUs, double updateUs) {
        double totalUs() {
            return forwardUs + backwardUs + updateUs;
        }
    }

    /** What {@code bench --layers --json} prints. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Result(String model, BenchResult.Machine machine, int threads, int warmSteps, int steps, List<Row> layers,
            double lossUs, double stepUs, double stepsPerS) {
    }

    static int run(BenchCommand c, PrintWriter o) {
        ModelConfig cfg = c.model.wavenet() ? c.model.waveNetConfig() : c.model.config();
        Splits s = Splits.of(c.model.names(), cfg.blockSize());
        Sequential model = cfg instanceof WaveNetConfig w ? Start.wavenet(w, s).model()
                : Mlp.layers(Start.mlp((Config) cfg, s).model());
        Batch[] batches = BenchCommand.batches(s, cfg.batchSize(), cfg.seed());
        int threads = c.threads.resolve(ThreadsOption.flops(model, cfg.batchSize(), cfg.blockSize()));
        Result r;
        try (Parallel p = Parallel.onThisThread(threads, c.threads.adaptive())) {
            r = profile(cfg.describe(), model, batches, cfg.batchSize(), cfg.blockSize(), threads, c.steps,
                    c.rounds * c.roundMs / 1000.0);
        }
        if (c.output.json) {
            Json.print(o, r);
            return Main.OK;
        }
        o.printf("layers: %s, %d thread%s, %,d steps timed after %,d; microseconds per step%n", r.model(), r.threads(),
                r.threads() == 1 ? "" : "s", r.steps(), r.warmSteps());
        o.printf("machine: %s%n", r.machine().describe());
        o.printf("%-34s %9s %9s %9s %7s%n", "layer", "forward", "backward", "update", "share");
        for (Row row : r.layers()) {
            o.printf("%-34s %9.1f %9.1f %9.1f %6.1f%%%n", row.layer(), row.forwardUs(), row.backwardUs(),
                    row.updateUs(), 100 * row.totalUs() / r.stepUs());
        }
        o.printf("%-34s %9.1f %9s %9s %6.1f%%%n", "cross-entropy (fused)", r.lossUs(), "", "",
                100 * r.lossUs() / r.stepUs());
        o.printf("%-34s %9.1f   (%,.0f steps/s)%n", "step", r.stepUs(), r.stepsPerS());
        return Main.OK;
    }

    /**
     * Warms up for two seconds and at least 1,000 steps (the JIT's last compiles of the WaveNet's kernels come after
     * a few hundred), then times {@code steps} steps, or as many as {@code seconds} takes.
     */
    static Result profile(String name, Sequential model, Batch[] batches, int batch, int block, int threads,
            Integer steps, double seconds) {
        Sequential.SequentialPlan plan = model.plan(new int[] {batch, block});
        int n = model.layers().size();
        CrossEntropyLoss loss = new CrossEntropyLoss(batch, model.outShape(new int[] {batch, block})[1]);
        Tensor xb = Tensor.zeros(batch, block);
        long[] fwd = new long[n], bwd = new long[n], upd = new long[n], ce = new long[1];
        int warm = 0;
        for (long t0 = System.nanoTime(); warm < 1000 || System.nanoTime() - t0 < 2_000_000_000L; warm++) {
            timedStep(plan, n, loss, xb, batches[warm % batches.length], fwd, bwd, upd, ce);
        }
        Arrays.fill(fwd, 0);
        Arrays.fill(bwd, 0);
        Arrays.fill(upd, 0);
        ce[0] = 0;
        int timed = 0;
        for (long t0 = System.nanoTime(); steps != null ? timed < steps : System.nanoTime() - t0 < seconds * 1e9;
                timed++) {
            timedStep(plan, n, loss, xb, batches[(warm + timed) % batches.length], fwd, bwd, upd, ce);
        }
        List<Row> rows = new ArrayList<>();
        double total = ce[0] / 1e3 / timed;
        for (int i = 0; i < n; i++) {
            Row row = new Row(model.layers().get(i).describe(), fwd[i] / 1e3 / timed, bwd[i] / 1e3 / timed,
                    upd[i] / 1e3 / timed);
            rows.add(row);
            total += row.totalUs();
        }
        return new Result(name, BenchResult.Machine.here(), threads, warm, timed, rows, ce[0] / 1e3 / timed, total,
                1e6 / total);
    }

    /** One step of {@link SequentialStep#step}, plan by plan, each call's time added to its layer's row. */
    private static void timedStep(Sequential.SequentialPlan plan, int n, CrossEntropyLoss loss, Tensor xb, Batch b,
            long[] fwd, long[] bwd, long[] upd, long[] ce) {
        b.contextsInto(xb.data());
        Tensor t = xb;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            t = plan.layer(i).forward(t, true);
            fwd[i] += System.nanoTime() - t0;
        }
        long t0 = System.nanoTime();
        loss.forwardBackward(t, b.yb());
        ce[0] += System.nanoTime() - t0;
        Tensor d = loss.dlogits();
        for (int i = n - 1; i >= 0 && d != null; i--) {
            t0 = System.nanoTime();
            d = plan.layer(i).backward(d);
            bwd[i] += System.nanoTime() - t0;
        }
        for (int i = 0; i < n; i++) {
            Layer.Plan p = plan.layer(i);
            t0 = System.nanoTime();
            p.update(BenchCommand.LR);
            p.commit();
            upd[i] += System.nanoTime() - t0;
        }
    }
}
