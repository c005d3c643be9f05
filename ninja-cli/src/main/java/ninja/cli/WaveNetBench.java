package ninja.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.data.Splits;
import ninja.model.Batch;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Layer;
import ninja.nn.Linear;
import ninja.nn.Sequential;
import ninja.reference.TorchSequentialTrainer;
import ninja.reference.TorchTrainer;
import ninja.rng.TorchGenerator;
import ninja.tensor.Simd;
import ninja.train.SequentialStep;

/**
 * {@code ./ninja bench --config wavenet}: our WaveNet step (every layer's hand-written backward, preallocated plans)
 * against libtorch through DJL, autograd as the notebook trains it and the same hand-written backward in torch ops,
 * one process, the same initial weights and batches, rounds interleaved; best and median of the rounds.
 */
final class WaveNetBench {
    private WaveNetBench() {
    }

    /** 6 x rows x fan_in x fan_out over the Linear layers: each matmul's multiply-adds, forward and two backward. */
    static double flopsPerStep(Sequential model, int batch, int block) {
        double flops = 0;
        int[] shape = {batch, block};
        for (Layer l : model.layers()) {
            int[] out = l.outShape(shape);
            if (l instanceof Linear lin) {
                int rows = 1;
                for (int i = 0; i < out.length - 1; i++) {
                    rows *= out[i];
                }
                flops += 6.0 * rows * lin.fanIn() * lin.fanOut();
            }
            shape = out;
        }
        return flops;
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
        Sequential ours = WaveNet.build(cfg, v, new TorchGenerator(cfg.seed()));
        SequentialStep step = new SequentialStep(ours, cfg.batchSize(), cfg.blockSize());
        double flops = flopsPerStep(ours, cfg.batchSize(), cfg.blockSize());
        int perRound = Math.max(20, c.steps / 6);   // a WaveNet step is about 6x the MLP's
        List<String> names = new ArrayList<>(List.of("ninja"));
        List<BenchCommand.Stepper> loops = new ArrayList<>();
        List<Integer> rounds = new ArrayList<>(List.of(perRound));
        loops.add(i -> step.step(batches[i % batches.length], BenchCommand.LR));
        List<TorchSequentialTrainer> torch = new ArrayList<>();
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            if (!c.noTorch) {
                for (TorchTrainer.Mode mode : c.torchModes()) {
                    TorchSequentialTrainer t = new TorchSequentialTrainer(
                            WaveNet.build(cfg, v, new TorchGenerator(cfg.seed())), cfg.batchSize(), cfg.blockSize(), mode);
                    torch.add(t);
                    names.add("torch_" + mode.name().toLowerCase());
                    loops.add(i -> t.step(batches[i % batches.length], BenchCommand.LR));
                    rounds.add(Math.max(10, perRound / 4));
                }
            }
            double[][] rates = BenchCommand.timeInterleaved(loops, rounds, c.rounds);
            r.put("config", cfg.summary());
            r.put("simd", Simd.INSTANCE.name());
            r.put("java", Runtime.version().toString());
            r.put("flops_per_step", flops);
            r.put("rounds", c.rounds);
            for (int k = 0; k < names.size(); k++) {
                Map<String, Object> m = new LinkedHashMap<>();
                double[] x = rates[k].clone();
                Arrays.sort(x);
                m.put("best", x[x.length - 1]);
                m.put("median", BenchCommand.median(x));
                m.put("worst", x[0]);
                m.put("gflops_best", x[x.length - 1] * flops / 1e9);
                m.put("gflops_median", BenchCommand.median(x) * flops / 1e9);
                r.put(names.get(k), m);
            }
        } finally {
            torch.forEach(TorchSequentialTrainer::close);
        }
        r.put("alloc_bytes_per_step", allocatedPerStep(step, batches));
        if (c.json) {
            Json.print(o, r);
            return Main.OK;
        }
        o.printf("bench: %s; %s, %s %s, 1 thread; %d interleaved rounds%n", cfg.describe(),
                Simd.INSTANCE.name(), System.getProperty("java.vm.name"), Runtime.version(), c.rounds);
        o.printf("%-16s %10s %10s %10s %9s %11s%n", "loop", "best/s", "median/s", "worst/s", "GFLOP/s", "x autograd");
        @SuppressWarnings("unchecked")
        Map<String, Object> auto = (Map<String, Object>) r.get("torch_autograd");
        for (String k : names) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) r.get(k);
            o.printf("%-16s %,10.0f %,10.0f %,10.0f %9.2f %11s%n", k.replace('_', ' '), (double) m.get("best"),
                    (double) m.get("median"), (double) m.get("worst"), (double) m.get("gflops_median"),
                    auto == null ? "-" : String.format("%.2f", (double) m.get("median") / (double) auto.get("median")));
        }
        o.printf("allocated per step %d bytes (ninja, over 2,000 steps after 2,000 more)%n", (long) r.get("alloc_bytes_per_step"));
        o.printf("flops per step     %,.0f (6 x rows x fan_in x fan_out over the four Linear layers)%n", flops);
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
