package ninja.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import ninja.tensor.Kernels;
import ninja.tensor.Parallel;
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
 * The WaveNet's per-layer kernels at its shapes (batch 32, block 8, n_embd 24, n_hidden 128): each Linear's three
 * matmuls as {@code rows x fan_in x fan_out} (forward {@code x @ W}, backward {@code x^T @ dout} and
 * {@code dout @ W^T}), on one thread or split over two ({@link Parallel}, same bits); batchnorm and tanh over 3-D
 * input are {@link WaveNetLayersBench}. Average time per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=1000"})
public class WaveNetKernelsBench {
    /** The four Linear layers: rows (B*T) x fan_in x fan_out. */
    @Param({"128x48x128", "64x256x128", "32x256x128", "32x128x27"})
    String linear;

    @Param({"1", "2"})
    int threads;

    int rows, fanIn, fanOut;
    float[] x, w, wP, bias, out, dout, dw, dx;
    Parallel split;

    @Setup
    public void setup() {
        String[] p = linear.split("x");
        rows = Integer.parseInt(p[0]);
        fanIn = Integer.parseInt(p[1]);
        fanOut = Integer.parseInt(p[2]);
        Random r = new Random(1);
        x = KernelsBench.rand(r, rows * fanIn);
        w = KernelsBench.rand(r, fanIn * fanOut);
        wP = new float[Kernels.packedBTSize(fanIn, fanOut)];
        bias = KernelsBench.rand(r, fanOut);
        dout = KernelsBench.rand(r, rows * fanOut);
        out = new float[rows * fanOut];
        dw = new float[fanIn * fanOut];
        dx = new float[rows * fanIn];
        split = Parallel.onThisThread(threads);   // setup runs on the benchmark's own thread
    }

    @TearDown
    public void tearDown() {
        split.close();
    }

    /** out = x @ W (+ bias). */
    @Benchmark
    public float[] forward() {
        Kernels.matmul(x, w, fanOut == 27 ? bias : null, out, rows, fanIn, fanOut);
        return out;
    }

    /** dW = x^T @ dout. */
    @Benchmark
    public float[] weightGrad() {
        Kernels.matmulAT(x, dout, dw, rows, fanIn, fanOut);
        return dw;
    }

    /** dx = dout @ W^T. */
    @Benchmark
    public float[] inputGrad() {
        Kernels.matmulBT(dout, w, null, dx, rows, fanOut, fanIn);
        return dx;
    }

    /** The same bits from W packed first (W changes every step). */
    @Benchmark
    public float[] inputGradPacked() {
        Kernels.packBT(w, fanIn, fanOut, wP);
        Kernels.matmulBTPacked(dout, wP, null, dx, rows, fanOut, fanIn);
        return dx;
    }

    /** The packing alone: the part of inputGradPacked that is not the matmul. */
    @Benchmark
    public float[] packW() {
        Kernels.packBT(w, fanIn, fanOut, wP);
        return wP;
    }
}
