package ninja.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import ninja.nn.BatchNorm1d;
import ninja.nn.Layer;
import ninja.nn.Tanh;
import ninja.tensor.Tensor;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The WaveNet's elementwise layers over its 3-D activations {@code [32, T, 128]} (T = 4, 2 at the first two levels):
 * BatchNorm1d's plan in training mode (statistics over dims 0 and 1) and Tanh, forward then backward.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=1000"})
public class WaveNetLayersBench {
    @Param({"4", "2"})
    int t;

    Tensor bnIn, bnDout;
    Layer.Plan batchNorm, tanh;

    @Setup
    public void setup() {
        Random r = new Random(1);
        int[] shape = {32, t, 128};
        bnIn = Tensor.of(KernelsBench.rand(r, 32 * t * 128), shape);
        bnDout = Tensor.of(KernelsBench.rand(r, 32 * t * 128), shape);
        batchNorm = new BatchNorm1d(128).plan(shape);
        tanh = new Tanh().plan(shape);
    }

    /** BatchNorm1d(128) over [32, T, 128], training mode, forward then backward. */
    @Benchmark
    public Tensor batchNorm3d() {
        batchNorm.forward(bnIn, true);
        return batchNorm.backward(bnDout);
    }

    /** Tanh over [32, T, 128], forward then backward. */
    @Benchmark
    public Tensor tanh3d() {
        tanh.forward(bnIn, true);
        return tanh.backward(bnDout);
    }
}
