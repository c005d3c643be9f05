package ninja.bench;

import java.util.Random;
import ninja.tensor.Simd;

/**
 * The fastest of 40 rounds of {@link Simd#gemm} alone, {@code x @ W} and {@code x^T @ dout}, and of {@link Simd#gemmBT},
 * {@code dout @ W^T}, at the Linear shapes of both models (rows x fan_in x fan_out), one thread: on a shared machine the best round moves far less than JMH's
 * means, so two builds run one after the other compare well. Microseconds per call.
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "ninja-bench/target/ninja-bench.jar:ninja-bench/target/lib/*" ninja.bench.GemmBest
 * </pre>
 */
public final class GemmBest {
    private GemmBest() {
    }

    public static void main(String[] args) {
        Simd s = Simd.INSTANCE;
        int[][] shapes = {{128, 48, 128}, {64, 256, 128}, {32, 256, 128}, {32, 128, 27}, {32, 30, 200}, {32, 27, 200}};
        Random r = new Random(1);
        System.out.printf("%-12s %10s %10s %10s   (%s, best of 40 rounds, us per call)%n", "shape", "x@W",
                "x^T@dout", "dout@W^T", s.name());
        for (int[] sh : shapes) {
            int n = sh[0], k = sh[1], m = sh[2];
            float[] x = KernelsBench.rand(r, n * k), w = KernelsBench.rand(r, k * m), dout = KernelsBench.rand(r, n * m);
            float[] out = new float[n * m], dw = new float[k * m], dx = new float[n * k];
            int reps = Math.max(50, 20_000_000 / (n * k * m));
            double forward = Double.MAX_VALUE, weightGrad = Double.MAX_VALUE, inputGrad = Double.MAX_VALUE;
            for (int round = 0; round < 40; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    s.gemm(x, k, 1, w, null, out, 0, n, k, m);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    s.gemm(x, 1, k, dout, null, dw, 0, k, n, m);
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    s.gemmBT(dout, w, null, dx, 0, n, m, k);
                }
                long t3 = System.nanoTime();
                forward = Math.min(forward, (t1 - t0) / 1e3 / reps);
                weightGrad = Math.min(weightGrad, (t2 - t1) / 1e3 / reps);
                inputGrad = Math.min(inputGrad, (t3 - t2) / 1e3 / reps);
            }
            System.out.printf("%-12s %10.2f %10.2f %10.2f%n", n + "x" + k + "x" + m, forward, weightGrad, inputGrad);
        }
    }
}
