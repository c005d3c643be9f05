package ninja.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.Start;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.reference.TorchSequentialTrainer;
import ninja.reference.TorchTrainer;
import ninja.tensor.Parallel;
import ninja.tensor.SplitTiming;

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
        Batch[] batches = BenchCommand.batches(s, cfg.batchSize(), cfg.seed());
        // every loop starts from its own copy of the notebook's initial weights
        Supplier<Sequential> fresh = () -> Start.wavenet(cfg, s).model();
        double flops = ThreadsOption.flops(fresh.get(), cfg.batchSize(), cfg.blockSize());
        int threads = c.threads.resolve(flops);
        Integer perRound = c.steps == null ? null : Math.max(20, c.steps / 6);   // a WaveNet step is about 6x the MLP's
        List<BenchCommand.Timed> loops = new ArrayList<>();
        // ours on the default (or given) thread count first, then on the other of one and two
        for (int t : threads == 1 ? List.of(1, 2) : List.of(threads, 1)) {
            if (t > Runtime.getRuntime().availableProcessors() && t != threads) {
                continue;
            }
            SequentialStep step = new SequentialStep(fresh.get(), cfg.batchSize(), cfg.blockSize());
            boolean first = loops.isEmpty();
            // the adaptive loop warms up past its timing's first probes (4,096 steps, about two seconds), as a
            // training run is past them after its first seconds
            boolean adaptive = first && c.threads.adaptive();
            loops.add(new BenchCommand.Timed(first ? "ninja" : "ninja_" + t + "_thread" + (t == 1 ? "" : "s"), t,
                    adaptive, adaptive ? SplitTiming.WARM_UNITS + 1024 : 500, BenchCommand.fixed(perRound, 1),
                    i -> step.step(batches[i % batches.length], BenchCommand.LR)));
        }
        List<TorchSequentialTrainer> torch = new ArrayList<>();
        Map<String, BenchResult.Loop> results;
        try {
            if (!c.noTorch) {
                for (TorchTrainer.Mode mode : c.torchModes()) {
                    TorchSequentialTrainer t = new TorchSequentialTrainer(fresh.get(), cfg.batchSize(),
                            cfg.blockSize(), mode);
                    torch.add(t);
                    loops.add(new BenchCommand.Timed("torch_" + mode.name().toLowerCase(), 1, false, 100,
                            BenchCommand.fixed(perRound, 4), i -> t.step(batches[i % batches.length], BenchCommand.LR)));
                }
            }
            results = BenchCommand.timeInterleaved(loops, c.rounds, c.roundMs / 1000.0, flops);
        } finally {
            torch.forEach(TorchSequentialTrainer::close);
        }
        long alloc = BenchCommand.allocatedPerStep(loops.get(0).step(), 2_000, threads, c.threads.adaptive());
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
}
