package ninja.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import ninja.tensor.BatchNormKernels;
import ninja.tensor.CrossEntropyKernels;
import ninja.tensor.Kernels;
import ninja.tensor.Simd;
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
 * The kernels of one training step at the notebook's sizes (batch 32, fan-in 30, vocabulary 27), hidden size as a
 * parameter: average time per call. Run (see ninja-bench/README.md):
 * {@code java --add-modules jdk.incubator.vector -cp "ninja-bench/target/ninja-bench.jar:ninja-bench/target/lib/*" org.openjdk.jmh.Main -f1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=1000"})
public class KernelsBench {
    static final int N = 32, F = 30, V = 27;

    @Param({"200"})
    int hidden;

    float[] embcat, W1, W1P, b1, hprebn, h, W2T, W2P, b2, logits, dlogits, dh, dW1, dembcat, raw, stat, scratch, dgain, dbias;
    int[] yb;

    @Setup
    public void setup() {
        Random r = new Random(1);
        int H = hidden;
        embcat = rand(r, N * F);
        W1 = rand(r, F * H);
        b1 = rand(r, H);
        hprebn = rand(r, N * H);
        h = rand(r, N * H);
        W2T = rand(r, V * H);
        W2P = new float[Kernels.packedBTSize(V, H)];
        W1P = new float[Kernels.packedBTSize(F, H)];
        b2 = rand(r, V);
        logits = rand(r, N * V);
        dlogits = rand(r, N * V);
        dh = rand(r, N * H);
        raw = rand(r, N * H);
        dW1 = new float[F * H];
        dembcat = new float[N * F];
        stat = new float[H];
        java.util.Arrays.fill(stat, 1f);
        scratch = new float[H];
        dgain = new float[H];
        dbias = new float[H];
        yb = new int[N];
        for (int i = 0; i < N; i++) {
            yb[i] = r.nextInt(V);
        }
    }

    static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** hprebn = embcat @ W1 + b1. */
    @Benchmark
    public float[] matmul() {
        Kernels.matmul(embcat, W1, b1, hprebn, N, F, hidden);
        return hprebn;
    }

    /** logits = h @ W2T^T + b2. */
    @Benchmark
    public float[] matmulBT() {
        Kernels.matmulBT(h, W2T, b2, logits, N, hidden, V);
        return logits;
    }

    /** The same from W2T packed first (as a step would: W2T changes every step). */
    @Benchmark
    public float[] matmulBTPacked() {
        Kernels.packBT(W2T, V, hidden, W2P);
        Kernels.matmulBTPacked(h, W2P, b2, logits, N, hidden, V);
        return logits;
    }

    /** dembcat = dhprebn @ W1^T. */
    @Benchmark
    public float[] inputGrad() {
        Kernels.matmulBT(dh, W1, null, dembcat, N, hidden, F);
        return dembcat;
    }

    /** The same from W1 packed first. */
    @Benchmark
    public float[] inputGradPacked() {
        Kernels.packBT(W1, F, hidden, W1P);
        Kernels.matmulBTPacked(dh, W1P, null, dembcat, N, hidden, F);
        return dembcat;
    }

    /** dW1 = embcat^T @ dhprebn. */
    @Benchmark
    public float[] matmulAT() {
        Kernels.matmulAT(embcat, dh, dW1, N, F, hidden);
        return dW1;
    }

    /** h = tanh(hpreact) for the whole batch. */
    @Benchmark
    public float[] tanh() {
        Simd.INSTANCE.tanh(hprebn, 0, h, 0, N * hidden);
        return h;
    }

    /** Loss and dlogits (Exercise 2). */
    @Benchmark
    public float crossEntropy() {
        return CrossEntropyKernels.fusedForwardBackward(logits, yb, dlogits, N, V);
    }

    /** dhprebn, dbngain, dbnbias (Exercise 3). */
    @Benchmark
    public float[] batchNormBackward() {
        BatchNormKernels.fusedBackward(dh, raw, stat, stat, hprebn, dgain, dbias, N, hidden, scratch);
        return hprebn;
    }
}
