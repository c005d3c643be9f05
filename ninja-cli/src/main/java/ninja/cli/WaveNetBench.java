package ninja.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.reference.TorchSequentialTrainer;
import ninja.reference.TorchTrainer;
import ninja.rng.TorchGenerator;
import ninja.tensor.Parallel;

/**
 * {@code ./ninja bench --config wavenet}: our WaveNet step (every layer's hand-written backward, preallocated plans)
 * on one thread and on two, against libtorch through DJL, autograd as the notebook trains it and the same
 * hand-written backward in torch ops, one process, the same initial weights and batches, rounds interleaved.
 */
final class WaveNetBench {
    private WaveNetBench() {
    }

    static int run(BenchCommand c, PrintWriter o) {
        WaveNetConfig cfg = c.model.waveNetConfig();
        Splits s = Splits.of(c.model.names(), cfg.blockSize());
        int v = s.vocab().size();
        TorchGenerator g = new TorchGenerator(cfg.seed() + 1);
        Batch[] batches = new Batch[BenchCommand.BATCHES];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = Batch.draw(s.train(), cfg.batchSize(), g);
        }
        double flops = ThreadsOption.flops(WaveNet.build(cfg, v, new TorchGenerator(cfg.seed())), cfg.batchSize(),
                cfg.blockSize());
        int threads = c.threads.resolve(flops);
        Integer perRound = c.steps == null ? null : Math.max(20, c.steps / 6);   // a WaveNet step is about 6x the MLP's
        List<BenchCommand.Timed> loops = new ArrayList<>();
        List<SequentialStep> ours = new ArrayList<>();
        // ours on the default (or given) thread count first, then on the other of one and two
        for (int t : threads == 1 ? List.of(1, 2) : List.of(threads, 1)) {
            if (t > Runtime.getRuntime().availableProcessors() && t != threads) {
                continue;
            }
            Sequential model = WaveNet.build(cfg, v, new TorchGenerator(cfg.seed()));
            SequentialStep step = new SequentialStep(model, cfg.batchSize(), cfg.blockSize());
            ours.add(step);
            boolean first = ours.size() == 1;
            loops.add(new BenchCommand.Timed(first ? "ninja" : "ninja_" + t + "_thread" + (t == 1 ? "" : "s"), t,
                    first && c.threads.adaptive(), 500, BenchCommand.fixed(perRound, 1), i -> step.step(batches[i % batches.length], BenchCommand.LR)));
        }
        List<TorchSequentialTrainer> torch = new ArrayList<>();
        Map<String, BenchResult.Loop> results;
        try {
            if (!c.noTorch) {
                for (TorchTrainer.Mode mode : c.torchModes()) {
                    TorchSequentialTrainer t = new TorchSequentialTrainer(
                            WaveNet.build(cfg, v, new TorchGenerator(cfg.seed())), cfg.batchSize(), cfg.blockSize(), mode);
                    torch.add(t);
                    loops.add(new BenchCommand.Timed("torch_" + mode.name().toLowerCase(), 1, false, 100,
                            BenchCommand.fixed(perRound, 4), i -> t.step(batches[i % batches.length], BenchCommand.LR)));
                }
            }
            results = BenchCommand.timeInterleaved(loops, c.rounds, c.roundMs / 1000.0, flops);
        } finally {
            torch.forEach(TorchSequentialTrainer::close);
        }
        long alloc;
        try (Parallel p = Parallel.onThisThread(threads, c.threads.adaptive())) {
            alloc = allocatedPerStep(ours.get(0), batches);
        }
        // the baseline is autograd, as the notebook trains, when it ran
        BenchResult r = c.result(cfg.summary(), flops, c.rounds, results, alloc, null,
                results.containsKey("torch_autograd") ? "torch_autograd" : null);
        if (c.output.json) {
            Json.print(o, r);
            return Main.OK;
        }
        o.printf("bench: %s; %d interleaved rounds of about %d ms%n", cfg.describe(), c.rounds, c.roundMs);
        BenchCommand.print(o, r);
        o.printf("allocated per step     %d bytes (ninja, over 2,000 steps after 2,000 more)%n", r.allocBytesPerStep());
        o.printf("flops per step         %,.0f (6 x rows x fan_in x fan_out over the four Linear layers)%n", flops);
        return Main.OK;
    }

    static long allocatedPerStep(SequentialStep step, Batch[] batches) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            return -1;
        }
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            step.step(batches[i % batches.length], BenchCommand.LR);   // compiled: no interpreter's boxed vectors
        }
        long id = Thread.currentThread().getId();
        long before = sun.getThreadAllocatedBytes(id);
        for (int i = 0; i < n; i++) {
            step.step(batches[i % batches.length], BenchCommand.LR);
        }
        return (sun.getThreadAllocatedBytes(id) - before) / n;
    }
}
