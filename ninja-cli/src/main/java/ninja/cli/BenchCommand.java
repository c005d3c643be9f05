package ninja.cli;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.model.Config;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.model.Start;
import ninja.reference.TorchTrainer;
import ninja.rng.TorchGenerator;
import ninja.tensor.Parallel;
import ninja.tensor.SplitTiming;
import ninja.tensor.Tensor;
import ninja.train.Evaluation;
import ninja.train.TrainStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./ninja bench}: training steps per second of the fused fast path ({@link TrainStep}), the readable atomic
 * path (Mlp ATOMIC forward + backward + SGD) and libtorch through DJL ({@link TorchTrainer}, the lecture's
 * Exercise 4 loop), in one process, on the same parameters and the same batch sequence. Each is warmed up, then
 * timed over several rounds; the table shows medians.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark a training step: ninja fused vs ninja atomic vs libtorch (DJL), same data and batches.")
final class BenchCommand extends ModelCommand {
    @Mixin
    ThreadsOption threads;

    @Option(names = "--steps", paramLabel = "N",
            description = "timed steps per round for the fused path, others scaled to about the same time (default: as many as --round-ms takes, for every loop)")
    Integer steps;

    @Option(names = "--round-ms", paramLabel = "MS", defaultValue = "400",
            description = "length of a timed round, several scheduler ticks (without --steps); default ${DEFAULT-VALUE}")
    int roundMs;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "7", description = "timed rounds, interleaved across the loops; default ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--no-torch", description = "skip libtorch")
    boolean noTorch;

    @Option(names = "--torch", paramLabel = "MODE",
            description = "libtorch loop(s) to time: manual (Exercise 4's manual backward in torch ops), autograd, or both (the baseline is the faster); default both")
    String torchMode;                   // null: both (not given, so that a --torch with nothing to time is refused)

    @Option(names = "--scaling", description = "sweep hidden 64..2048 (batch 32) and batch 32..1024 (hidden 200); write a chart")
    boolean scaling;

    @Option(names = "--out", paramLabel = "PNG", description = "chart file for --scaling; default scaling.png")
    Path out;                           // null: scaling.png

    @Option(names = "--layers", description = "where a step's time goes: each layer's forward, backward and update, timed over --steps steps (default: --rounds x --round-ms)")
    boolean layers;

    static final float LR = 0.1f;
    static final int BATCHES = 512;

    /** A training loop to time: one step on batch i. */
    interface Stepper {
        void step(int i);
    }

    /**
     * A loop of the run: its name in the table and the JSON, its thread count, the fewest warm-up steps (time alone
     * is not enough: a loop still running interpreted takes few steps a second, its kernels then never reach the
     * JIT's thresholds, and its rounds are measured uncompiled), steps per round (0: sized by time).
     */
    record Timed(String name, int threads, int warmSteps, int fixedSteps, Stepper step, SplitTiming timing) {
        /** Adaptive: one timing for all the loop's rounds, which go on with its windows as one training run would. */
        Timed(String name, int threads, boolean adaptive, int warmSteps, int fixedSteps, Stepper step) {
            this(name, threads, warmSteps, fixedSteps, step, adaptive ? new SplitTiming() : null);
        }

        boolean adaptive() {
            return timing != null;
        }
    }

    @Override
    public Integer call() {
        PrintWriter o = output.out();
        if ((steps != null && steps < 1) || rounds < 1 || roundMs < 1) {
            throw new Errors.UserError("--steps, --rounds and --round-ms must be at least 1");
        }
        torchModes(); // reject a bad --torch before any work
        if (torchMode != null && (noTorch || layers)) {
            throw new Errors.UserError("--torch picks the libtorch loops to time, and " + (noTorch ? "--no-torch"
                    : "--layers (a profile of the layers)") + " times none: leave out one of them");
        }
        if (out != null && !scaling) {
            throw new Errors.UserError("--out names the --scaling chart: add --scaling or leave out --out");
        }
        if (layers) {
            if (scaling) {
                throw new Errors.UserError("--layers profiles one model; leave out --scaling");
            }
            return LayerProfile.run(this, o);
        }
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
        int t = threads.resolve(cfg);
        // the default beside the same step on the other thread count (one thread, or two where there are two cores)
        int other = t > 1 ? 1 : Math.min(2, Runtime.getRuntime().availableProcessors());
        BenchResult r = run(cfg, s, steps, rounds, threads.adaptive() && other != t ? List.of(t, other) : List.of(t),
                true, !noTorch);
        if (output.json) {
            Json.print(o, r);
            return Main.OK;
        }
        o.printf("bench: n_hidden %d, batch %d, n_embd %d, block %d; %d interleaved rounds of about %d ms%n",
                cfg.nHidden(), cfg.batchSize(), cfg.nEmbd(), cfg.blockSize(), rounds, roundMs);
        print(o, r);
        o.printf("allocated per step     %d bytes (fused, over 10,000 steps)%n", r.allocBytesPerStep());
        o.printf("eval, train split      %.3f s for %,d examples (loss %.4f)%n", r.eval().seconds(), r.eval().examples(),
                r.eval().loss());
        o.printf("flops per step         %,.0f (6 n H (block*embd + vocab): the six matmuls)%n", r.flopsPerStep());
        return Main.OK;
    }

    /** How long the cores are measured after the rounds ({@link BenchCores}). */
    static final double CORES_SECONDS = 0.6;

    /** The table of loops: best, median, worst, spread, GFLOP/s and the ratio of medians to the baseline. */
    static void print(PrintWriter o, BenchResult r) {
        o.printf("machine: %s%n", r.machine().describe());
        if (r.cores() != null) {
            o.printf("cores after the rounds: %s%n", r.cores().describe());
        }
        o.printf("%-22s %7s %10s %10s %10s %7s %9s %9s%n", "loop", "threads", "best/s", "median/s", "worst/s", "spread",
                "GFLOP/s", "x " + (r.baseline() == null ? "torch" : r.baseline().replace("torch_", "")));
        BenchResult.Loop base = r.baseline() == null ? null : r.loop(r.baseline());
        r.loops().forEach((name, l) -> o.printf("%-22s %7d %,10.0f %,10.0f %,10.0f %6.0f%% %9.2f %9s%n",
                name.replace('_', ' '), l.threads(), l.best(), l.median(), l.worst(), 100 * l.spread(), l.gflopsMedian(),
                base == null ? "-" : String.format("%.2f", l.median() / base.median())));
        if (r.ratio() != null) {
            o.printf("ninja/%s ratio   %.2f (medians), %.2f (best rounds)%n", r.baseline().replace("torch_", ""),
                    r.ratio(), r.ratioBest());
        }
    }

    /**
     * The fused step (on each thread count of {@code ninjaThreads}), the atomic path (with extras) and the libtorch
     * loops, interleaved; the baseline is the faster libtorch loop by median.
     */
    BenchResult run(Config cfg, Splits s, Integer fusedSteps, int nRounds, List<Integer> ninjaThreads, boolean extras,
            boolean withTorch) {
        Parameters p0 = Start.mlp(cfg, s).model();
        Batch[] batches = batches(s, cfg.batchSize(), cfg.seed());
        double flops = ThreadsOption.flops(cfg, s.vocab().size());
        List<Timed> loops = new ArrayList<>();
        List<TrainStep> fused = new ArrayList<>();
        for (int t : ninjaThreads) {
            TrainStep f = new TrainStep(p0.copy(), cfg.batchSize());
            fused.add(f);
            loops.add(new Timed(fused.size() == 1 ? "ninja" : "ninja_" + t + (t == 1 ? "_thread" : "_threads"), t,
                    fused.size() == 1 && ninjaThreads.size() == 1 && threads.adaptive(), 3000, fixed(fusedSteps, 1),
                    i -> f.step(batches[i % BATCHES], LR)));
        }
        if (extras) {
            Parameters pa = p0.copy();
            loops.add(new Timed("ninja_atomic", 1, false, 100, fixed(fusedSteps, 30), i -> atomicStep(pa, batches[i % BATCHES])));
        }
        List<AutoCloseable> toClose = new ArrayList<>();
        if (withTorch) {
            for (TorchTrainer.Mode mode : torchModes()) {
                TorchTrainer t = new TorchTrainer(p0.copy(), cfg.batchSize(), mode);
                toClose.add(t);
                loops.add(new Timed("torch_" + mode.name().toLowerCase(), 1, false, 600, fixed(fusedSteps, 5),
                        i -> t.step(batches[i % BATCHES], LR)));
            }
        }
        Map<String, BenchResult.Loop> results;
        long alloc;
        try {
            results = timeInterleaved(loops, nRounds, roundMs / 1000.0, flops);
            // the other loops may have made the JIT recompile shared kernels: 10,000 steps again before measuring
            alloc = extras ? allocatedPerStep(loops.get(0).step(), 10_000, loops.get(0).threads(), loops.get(0).adaptive()) : -1;
        } finally {
            for (AutoCloseable c : toClose) {
                try {
                    c.close();
                } catch (Exception e) {
                    // native memory is freed at exit anyway
                }
            }
        }
        BenchResult.Eval eval = null;
        if (extras) {
            Parameters pe = fused.get(0).parameters();
            double[] secs = new double[3];
            double loss = 0;
            for (int k = 0; k < secs.length; k++) {
                long t0 = System.nanoTime();
                loss = Evaluation.loss(pe, s.train());
                secs[k] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(secs);
            eval = new BenchResult.Eval(BenchResult.median(secs), s.train().size(), loss);
        }
        return result(cfg.summary(), flops, nRounds, results, alloc, eval, null);
    }

    /** The result record; the baseline is the given loop, or (null) the libtorch loop with the best median. */
    BenchResult result(Map<String, Object> config, double flops, int nRounds, Map<String, BenchResult.Loop> loops,
            long alloc, BenchResult.Eval eval, String baselineLoop) {
        String baseline = baselineLoop;
        if (baseline == null) {
            for (Map.Entry<String, BenchResult.Loop> e : loops.entrySet()) {
                if (e.getKey().startsWith("torch_")
                        && (baseline == null || e.getValue().median() > loops.get(baseline).median())) {
                    baseline = e.getKey();
                }
            }
        }
        BenchResult.Loop ours = loops.get("ninja"), base = baseline == null ? null : loops.get(baseline);
        // what two cores give now, beside what the two-thread loop got (a sweep's points go without: it would double)
        BenchCores cores = scaling ? null : BenchCores.measure(CORES_SECONDS);
        return new BenchResult(config, BenchResult.Machine.here(), cores, flops, nRounds, roundMs / 1000.0, loops, baseline,
                base == null ? null : ours.median() / base.median(), base == null ? null : ours.best() / base.best(),
                alloc, eval);
    }

    /** Steps per round when --steps fixes them: the fused path's, divided by how much slower a loop is. */
    static int fixed(Integer fusedSteps, int slower) {
        return fusedSteps == null ? 0 : Math.max(10, fusedSteps / slower);
    }

    TorchTrainer.Mode[] torchModes() {
        return switch (torchMode == null ? "both" : torchMode) {
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

    /**
     * Warms every loop up (a round's worth with --steps, else its warm-up steps and two round lengths, a second at
     * least),
     * then sets each loop's steps per round from a half round's speed so a round lasts about {@code roundSeconds},
     * then times
     * round k of every loop before round k+1: load from elsewhere on the machine hits all loops alike.
     */
    static Map<String, BenchResult.Loop> timeInterleaved(List<Timed> loops, int nRounds, double roundSeconds,
            double flops) {
        int[] next = new int[loops.size()];
        int[] perRound = new int[loops.size()];
        // pass 1 warms (the JIT compiles); pass 2 measures each loop's speed to size its rounds
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < loops.size(); k++) {
                Timed l = loops.get(k);
                if (l.fixedSteps() > 0 && pass == 1) {
                    perRound[k] = l.fixedSteps();
                    continue;
                }
                double seconds = pass == 0 ? Math.max(1.0, 2 * roundSeconds) : roundSeconds / 2;
                try (Parallel p = Parallel.onThisThread(l.threads(), l.timing())) {
                    long t0 = System.nanoTime();
                    int n0 = next[k];
                    int least = l.fixedSteps() > 0 ? l.fixedSteps() : pass == 0 ? l.warmSteps() : 1;
                    while (next[k] - n0 < least || (l.fixedSteps() == 0 && System.nanoTime() - t0 < seconds * 1e9)) {
                        l.step().step(next[k]++);
                    }
                    perRound[k] = (int) Math.max(5, (next[k] - n0) / ((System.nanoTime() - t0) / 1e9) * roundSeconds);
                }
            }
        }
        double[][] rates = new double[loops.size()][nRounds];
        for (int round = 0; round < nRounds; round++) {
            for (int k = 0; k < loops.size(); k++) {
                Timed l = loops.get(k);
                try (Parallel p = Parallel.onThisThread(l.threads(), l.timing())) {
                    long t0 = System.nanoTime();
                    for (int w = 0; w < perRound[k]; w++) {
                        l.step().step(next[k]++);
                    }
                    rates[k][round] = perRound[k] / ((System.nanoTime() - t0) / 1e9);
                }
            }
        }
        Map<String, BenchResult.Loop> out = new LinkedHashMap<>();
        for (int k = 0; k < loops.size(); k++) {
            out.put(loops.get(k).name(), BenchResult.Loop.of(loops.get(k).threads(), perRound[k], rates[k], flops));
        }
        return out;
    }

    /** {@link #BATCHES} minibatches of the training split from a generator of their own (seed + 1), for every loop. */
    static Batch[] batches(Splits s, int batchSize, long seed) {
        TorchGenerator g = new TorchGenerator(seed + 1);
        Batch[] batches = new Batch[BATCHES];
        for (int i = 0; i < BATCHES; i++) {
            batches[i] = Batch.draw(s.train(), batchSize, g);
        }
        return batches;
    }

    /**
     * Heap bytes this thread allocates per step, over {@code n} steps after {@code n} more (so they run compiled, not
     * in the interpreter with its boxed vectors); -1 where the JVM cannot count them.
     */
    /**
     * Bytes allocated per step over n steps (after n to warm), on {@code threads} threads as the loop was timed: the
     * calling thread's allocations and its split's workers' added up.
     */
    static long allocatedPerStep(Stepper step, int n, int threads, boolean adaptive) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            return -1;
        }
        try (Parallel p = Parallel.onThisThread(threads, adaptive)) {
            for (int i = 0; i < n; i++) {
                step.step(i);
            }
            long[] ids = p.threadsRunning().stream().mapToLong(Thread::getId).toArray();
            long before = allocated(sun, ids);
            for (int i = 0; i < n; i++) {
                step.step(i);
            }
            return (allocated(sun, ids) - before) / n;
        }
    }

    /** The threads' allocated bytes added up, in a plain loop: a stream here would count its own first use. */
    private static long allocated(com.sun.management.ThreadMXBean sun, long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += sun.getThreadAllocatedBytes(id);
        }
        return sum;
    }

    /**
     * {@code --scaling --json}: one result per size, the fused step on one and on two threads, and what two cores gave
     * on independent work just after the sweep ({@link BenchCores}).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Scaling(List<BenchResult> byHidden, List<BenchResult> byBatch, BenchCores cores, String chart) {
    }

    private Integer scaling(PrintWriter o, Config base, Splits s) {
        int[] hiddens = {64, 128, 256, 512, 1024, 2048};
        int[] batchSizes = {32, 64, 128, 256, 512, 1024};
        List<BenchResult> byHidden = new ArrayList<>();
        List<BenchResult> byBatch = new ArrayList<>();
        for (int h : hiddens) {
            byHidden.add(point(o, base.with(null, h, null, 32, null), s));
        }
        for (int b : batchSizes) {
            byBatch.add(point(o, base.with(null, 200, null, b, null), s));
        }
        Path chart = out != null ? out : Path.of("scaling.png");
        ScalingChart.write(chart, byHidden, byBatch);
        BenchCores cores = BenchCores.measure(CORES_SECONDS);
        if (output.json) {
            Json.print(o, new Scaling(byHidden, byBatch, cores, chart.toString()));
        } else {
            o.printf("cores after the sweep: %s%n", cores.describe());
            o.printf("chart written to %s%n", chart);
        }
        return Main.OK;
    }

    private BenchResult point(PrintWriter o, Config c, Splits s) {
        // with --steps: about the same work per round at every size
        double flops = ThreadsOption.flops(c);
        Integer perRound = steps == null ? null : (int) Math.max(20, Math.min(steps, 2e9 / flops));
        BenchResult r = run(c, s, perRound, Math.min(rounds, 3), List.of(1, 2), false, !noTorch);
        if (!output.json) {
            BenchResult.Loop one = r.loop("ninja"), two = r.loop("ninja_2_threads"), t = r.baseline() == null ? null
                    : r.loop(r.baseline());
            o.printf("hidden %5d batch %5d: fused %,9.0f steps/s %6.2f GFLOP/s, 2 threads %,9.0f (%.2fx)   torch %s%n",
                    c.nHidden(), c.batchSize(), one.median(), one.gflopsMedian(), two.median(), two.median() / one.median(),
                    t == null ? "-" : String.format("%,9.0f steps/s %6.2f GFLOP/s", t.median(), t.gflopsMedian()));
            o.flush();
        }
        return r;
    }
}
