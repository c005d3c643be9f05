package ninja.cli;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import ninja.tensor.Simd;

/**
 * What {@code ./ninja bench} measured, as its {@code --json} prints it: where it ran and what its cores gave just after
 * the rounds ({@link BenchCores}; null in a sweep's points), then each loop's rounds with best, median, worst and
 * spread, the ratio to the libtorch baseline, the allocation check.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record BenchResult(Map<String, Object> config, Machine machine, BenchCores cores, double flopsPerStep, int rounds,
        double roundSeconds, Map<String, Loop> loops, String baseline, Double ratio, Double ratioBest,
        long allocBytesPerStep, Eval eval) {

    /** One timed loop: steps per second of each round, in the order run. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Loop(int threads, int stepsPerRound, double[] roundsPerS, double best, double median, double worst,
            double spread, double gflopsBest, double gflopsMedian) {
        static Loop of(int threads, int stepsPerRound, double[] rates, double flops) {
            double[] x = rates.clone();
            Arrays.sort(x);
            double best = x[x.length - 1], worst = x[0], median = BenchResult.median(x);
            return new Loop(threads, stepsPerRound, rates, best, median, worst, (best - worst) / median,
                    best * flops / 1e9, median * flops / 1e9);
        }
    }

    /** The full train-split evaluation, timed (MLP only). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Eval(double seconds, int examples, double loss) {
    }

    /** Machine, JVM and flags, so a table can say where its numbers come from. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Machine(String cpu, int cores, String java, String vm, List<String> jvmFlags, String simd, double load) {
        static Machine here() {
            return new Machine(cpuName(), Runtime.getRuntime().availableProcessors(), Runtime.version().toString(),
                    System.getProperty("java.vm.name"),
                    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                            .filter(a -> !a.startsWith("-Dninja.launcher")).toList(),
                    Simd.INSTANCE.name(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }

        private static String cpuName() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (Exception e) {
                // not Linux: the architecture is all we say
            }
            return System.getProperty("os.arch");
        }

        String describe() {
            return String.format("%s, %d cores, load %.2f; %s %s; %s; flags %s", cpu, cores, load, vm, java, simd,
                    String.join(" ", jvmFlags));
        }
    }

    /** The loop's result by name (null when it did not run). */
    Loop loop(String name) {
        return loops.get(name);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
