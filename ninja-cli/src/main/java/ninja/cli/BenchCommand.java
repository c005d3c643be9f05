package ninja.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.data.Splits;
import ninja.model.Activations;
import ninja.model.Batch;
import ninja.model.Config;
import ninja.model.Grads;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.reference.TorchTrainer;
import ninja.rng.TorchGenerator;
import ninja.tensor.Simd;
import ninja.tensor.Tensor;
import ninja.train.Evaluation;
import ninja.train.TrainStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ./ninja bench}: training steps per second of the fused fast path ({@link TrainStep}), the readable atomic
 * path (Mlp ATOMIC forward + backward + SGD) and libtorch through DJL ({@link TorchTrainer}, the lecture's
 * Exercise 4 loop), in one process, on the same parameters and the same batch sequence. Each is warmed up, then
 * timed over several rounds; the table shows medians.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark a training step: ninja fused vs ninja atomic vs libtorch (DJL), same data and batches.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "3000",
            description = "timed steps per round for the fused path (others scale to similar time); default ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5", description = "timed rounds; default ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--no-torch", description = "skip libtorch")
    boolean noTorch;

    @Option(names = "--torch", paramLabel = "MODE", defaultValue = "both",
            description = "libtorch loop(s) to time: manual (Exercise 4's manual backward in torch ops), autograd, or both (the baseline is the faster); default ${DEFAULT-VALUE}")
    String torchMode;

    @Option(names = "--scaling", description = "sweep hidden 64..2048 (batch 32) and batch 32..1024 (hidden 200); write a chart")
    boolean scaling;

    @Option(names = "--out", paramLabel = "PNG", defaultValue = "scaling.png", description = "chart file for --scaling; default ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Spec
    CommandSpec spec;

    static final float LR = 0.1f;
    static final int BATCHES = 512;

    /** A training loop to time: one step on batch i. */
    interface Stepper {
        void step(int i);
    }

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        if (steps < 1 || rounds < 1) {
            throw new Errors.UserError("--steps and --rounds must be at least 1");
        }
        torchModes(); // reject a bad --torch before any work
        if (model.wavenet()) {
            if (scaling) {
                throw new Errors.UserError("--scaling sweeps the MLP's sizes; leave out --config wavenet");
            }
            return WaveNetBench.run(this, o);
        }
        Config cfg = model.config();
        Splits s = Splits.of(model.names(), cfg.blockSize());
        if (scaling) {
            return scaling(o, cfg, s);
        }
        Map<String, Object> r = run(cfg, s, steps, rounds, true, !noTorch);
        if (json) {
            Json.print(o, r);
            return Main.OK;
        }
        o.printf("bench: n_hidden %d, batch %d, n_embd %d, block %d; %s, %s %s, 1 thread; %d rounds, medians%n",
                cfg.nHidden(), cfg.batchSize(), cfg.nEmbd(), cfg.blockSize(), Simd.INSTANCE.name(),
                System.getProperty("java.vm.name"), Runtime.version(), rounds);
        o.printf("%-22s %12s %10s %9s %9s%n", "loop", "steps/s", "ms/step", "GFLOP/s", "x torch");
        double flops = (double) r.get("flops_per_step");
        Object torch = r.get("torch_steps_per_s");
        for (String k : List.of("ninja fused", "ninja atomic", "torch manual", "torch autograd")) {
            String key = k.replace(' ', '_') + "_steps_per_s";
            if (k.equals("ninja fused")) {
                key = "ninja_steps_per_s";
            }
            Object v = r.get(key);
            if (v == null) {
                continue;
            }
            double sps = (double) v;
            o.printf("%-22s %,12.0f %10.4f %9.2f %9s%n", k, sps, 1000 / sps, sps * flops / 1e9,
                    torch == null ? "-" : String.format("%.2f", sps / (double) torch));
        }
        o.printf("fused/torch ratio      %s%n", r.get("ratio") == null ? "-" : String.format("%.2f", (double) r.get("ratio")));
        o.printf("allocated per step     %d bytes (fused, over 10,000 steps)%n", (long) r.get("alloc_bytes_per_step"));
        o.printf("eval, train split      %.3f s for %,d examples (loss %.4f)%n", (double) r.get("eval_seconds"),
                (int) r.get("eval_examples"), (double) r.get("eval_loss"));
        o.printf("flops per step         %,.0f (6 n H (block*embd + vocab): the six matmuls)%n", flops);
        return Main.OK;
    }

    Map<String, Object> run(Config cfg, Splits s, int fusedSteps, int nRounds, boolean extras, boolean withTorch) {
        int v = s.vocab().size();
        Parameters p0 = Parameters.init(cfg, v, new TorchGenerator(cfg.seed()));
        TorchGenerator g = new TorchGenerator(cfg.seed() + 1);
        Batch[] batches = new Batch[BATCHES];
        for (int i = 0; i < BATCHES; i++) {
            batches[i] = Batch.draw(s.train(), cfg.batchSize(), g);
        }
        double flops = 6.0 * cfg.batchSize() * cfg.nHidden() * (cfg.fanIn() + v);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("n_hidden", cfg.nHidden());
        r.put("batch_size", cfg.batchSize());
        r.put("simd", Simd.INSTANCE.name());
        r.put("java", Runtime.version().toString());
        r.put("flops_per_step", flops);

        // every loop is warmed up first, then the rounds are interleaved (fused, atomic, torch, fused, ...) so that
        // load from elsewhere on the machine hits all of them alike
        TrainStep fused = new TrainStep(p0.copy(), cfg.batchSize());
        List<String> names = new ArrayList<>();
        List<Stepper> loops = new ArrayList<>();
        List<Integer> perRound = new ArrayList<>();
        List<AutoCloseable> toClose = new ArrayList<>();
        names.add("ninja");
        loops.add(i -> fused.step(batches[i % BATCHES], LR));
        perRound.add(fusedSteps);
        if (extras) {
            Parameters pa = p0.copy();
            names.add("ninja_atomic");
            loops.add(i -> atomicStep(pa, batches[i % BATCHES]));
            perRound.add(Math.max(20, fusedSteps / 30));
        }
        if (withTorch) {
            for (TorchTrainer.Mode mode : torchModes()) {
                TorchTrainer t = new TorchTrainer(p0.copy(), cfg.batchSize(), mode);
                toClose.add(t);
                names.add("torch_" + mode.name().toLowerCase());
                loops.add(i -> t.step(batches[i % BATCHES], LR));
                perRound.add(Math.max(20, fusedSteps / 5));
            }
        }
        try {
            double[][] rates = timeInterleaved(loops, perRound, nRounds);
            long alloc = extras ? allocatedPerStep(fused, batches) : 0;
            Double best = null;
            for (int k = 0; k < names.size(); k++) {
                double sps = median(rates[k]);
                r.put(names.get(k) + "_steps_per_s", sps);
                if (k == 0) {
                    r.put("ninja_gflops", sps * flops / 1e9);
                    r.put("ninja_rounds", rates[k]);
                }
                if (names.get(k).startsWith("torch_") && (best == null || sps > best)) {
                    best = sps;
                    r.put("torch_mode", names.get(k).substring(6));
                }
            }
            if (best != null) {
                double ninja = (double) r.get("ninja_steps_per_s");
                r.put("torch_steps_per_s", best);
                r.put("torch_gflops", best * flops / 1e9);
                r.put("ratio", ninja / best);
            }
            if (extras) {
                r.put("alloc_bytes_per_step", alloc);
            }
        } finally {
            for (AutoCloseable c : toClose) {
                try {
                    c.close();
                } catch (Exception e) {
                    // native memory is freed at exit anyway
                }
            }
        }
        if (extras) {
            Parameters pe = fused.parameters();
            double[] secs = new double[3];
            double loss = 0;
            for (int k = 0; k < secs.length; k++) {
                long t0 = System.nanoTime();
                loss = Evaluation.loss(pe, s.train());
                secs[k] = (System.nanoTime() - t0) / 1e9;
            }
            r.put("eval_seconds", median(secs));
            r.put("eval_examples", s.train().size());
            r.put("eval_loss", loss);
        }
        return r;
    }

    TorchTrainer.Mode[] torchModes() {
        return switch (torchMode) {
            case "both" -> TorchTrainer.Mode.values();
            case "manual" -> new TorchTrainer.Mode[] {TorchTrainer.Mode.MANUAL};
            case "autograd" -> new TorchTrainer.Mode[] {TorchTrainer.Mode.AUTOGRAD};
            default -> throw new Errors.UserError("--torch must be manual, autograd or both, got '" + torchMode + "'");
        };
    }

    /** The readable path: chunked forward, Exercise 1's atomic backward, p += -lr * grad. */
    static void atomicStep(Parameters p, Batch b) {
        Activations a = Mlp.forward(p, b);
        Tensor[] grads = Mlp.parameterGrads(Mlp.backward(p, b, a, Mlp.Mode.ATOMIC, Grads.chained()));
        List<Tensor> params = p.trainable();
        for (int k = 0; k < grads.length; k++) {
            float[] w = params.get(k).data();
            float[] d = grads[k].data();
            for (int i = 0; i < w.length; i++) {
                w[i] += -LR * d[i];
            }
        }
    }

    /** Warms every loop up (a round's worth of steps), then times round k of every loop before round k+1. */
    static double[][] timeInterleaved(List<Stepper> loops, List<Integer> perRound, int nRounds) {
        int[] next = new int[loops.size()];
        for (int k = 0; k < loops.size(); k++) {
            for (int w = 0; w < perRound.get(k); w++) {
                loops.get(k).step(next[k]++);
            }
        }
        double[][] rates = new double[loops.size()][nRounds];
        for (int round = 0; round < nRounds; round++) {
            for (int k = 0; k < loops.size(); k++) {
                Stepper st = loops.get(k);
                int n = perRound.get(k);
                long t0 = System.nanoTime();
                for (int w = 0; w < n; w++) {
                    st.step(next[k]++);
                }
                rates[k][round] = n / ((System.nanoTime() - t0) / 1e9);
            }
        }
        return rates;
    }

    static double median(double[] x) {
        double[] c = x.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    /** Heap bytes this thread allocates per fused step, over 10,000 steps after the warm-up. */
    static long allocatedPerStep(TrainStep fused, Batch[] batches) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            return -1;
        }
        for (int i = 0; i < 10_000; i++) {
            fused.step(batches[i % BATCHES], LR); // the other loops may have made the JIT recompile shared kernels
        }
        long id = Thread.currentThread().getId();
        long before = sun.getThreadAllocatedBytes(id);
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            fused.step(batches[i % BATCHES], LR);
        }
        return (sun.getThreadAllocatedBytes(id) - before) / n;
    }

    private Integer scaling(PrintWriter o, Config base, Splits s) {
        int[] hiddens = {64, 128, 256, 512, 1024, 2048};
        int[] batchSizes = {32, 64, 128, 256, 512, 1024};
        List<Map<String, Object>> byHidden = new ArrayList<>();
        List<Map<String, Object>> byBatch = new ArrayList<>();
        for (int h : hiddens) {
            Config c = base.with(null, h, null, 32, null);
            byHidden.add(point(o, c, s));
        }
        for (int b : batchSizes) {
            Config c = base.with(null, 200, null, b, null);
            byBatch.add(point(o, c, s));
        }
        ScalingChart.write(out, byHidden, byBatch);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("by_hidden", byHidden);
        r.put("by_batch", byBatch);
        r.put("chart", out.toString());
        if (json) {
            Json.print(o, r);
        } else {
            o.printf("chart written to %s%n", out);
        }
        return Main.OK;
    }

    private Map<String, Object> point(PrintWriter o, Config c, Splits s) {
        // about the same work per round at every size
        double flops = 6.0 * c.batchSize() * c.nHidden() * (c.fanIn() + s.vocab().size());
        int perRound = (int) Math.max(20, Math.min(steps, 2e9 / flops));
        Map<String, Object> r = run(c, s, perRound, Math.min(rounds, 3), false, !noTorch);
        if (!json) {
            o.printf("hidden %5d batch %5d: fused %,10.0f steps/s %7.2f GFLOP/s   torch %s%n", c.nHidden(), c.batchSize(),
                    (double) r.get("ninja_steps_per_s"), (double) r.get("ninja_gflops"),
                    r.get("torch_steps_per_s") == null ? "-" : String.format("%,10.0f steps/s %7.2f GFLOP/s",
                            (double) r.get("torch_steps_per_s"), (double) r.get("torch_gflops")));
            o.flush();
        }
        return r;
    }
}
