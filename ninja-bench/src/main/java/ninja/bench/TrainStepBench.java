package ninja.bench;

import java.util.concurrent.TimeUnit;
import ninja.data.Batch;
import ninja.data.ContextDataset;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import ninja.tensor.Parallel;
import ninja.train.TrainStep;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole fused training step (forward, backward, SGD, running stats) on synthetic batches: steps per second, on
 * one thread and on two (the MLP's hidden units cut between them, UnitSplitStep; the same bits).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=1000"})
public class TrainStepBench {
    @Param({"200"})
    int hidden;

    @Param({"32"})
    int batch;

    @Param({"1", "2"})
    int threads;

    TrainStep step;
    Batch[] batches;
    int i;
    Parallel split;

    @Setup
    public void setup() {
        int vocab = 27, block = 3, rows = 4096;
        // synthetic contexts: the step's speed does not depend on which characters they are
        java.util.Random r = new java.util.Random(1);
        int[] x = new int[rows * block];
        int[] y = new int[rows];
        for (int k = 0; k < x.length; k++) {
            x[k] = r.nextInt(vocab);
        }
        for (int k = 0; k < rows; k++) {
            y[k] = r.nextInt(vocab);
        }
        ContextDataset d = new ContextDataset(block, x, y);
        Config cfg = Config.named("notebook").with(null, hidden, null, batch, null);
        TorchGenerator g = new TorchGenerator(cfg.seed());
        step = new TrainStep(Parameters.init(cfg, vocab, g), batch);
        batches = new Batch[64];
        for (int k = 0; k < batches.length; k++) {
            batches[k] = Batch.draw(d, batch, g);
        }
        split = Parallel.onThisThread(threads);   // setup runs on the benchmark's own thread
    }

    @TearDown
    public void close() {
        split.close();
    }

    @Benchmark
    public float step() {
        return step.step(batches[i++ & 63], 0.01f);
    }
}
