package ninja.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The chart of {@code ./ninja bench --scaling}: steps/s and GFLOP/s against hidden size and batch size. */
final class ScalingChart {
    private ScalingChart() {
    }

    static void write(Path file, List<BenchResult> byHidden, List<BenchResult> byBatch) {
        System.setProperty("java.awt.headless", "true");
        List<XYChart> charts = List.of(
                chart("steps/s vs n_hidden (batch 32)", "n_hidden", "steps/s", byHidden, "n_hidden", "steps_per_s"),
                chart("GFLOP/s vs n_hidden (batch 32)", "n_hidden", "GFLOP/s", byHidden, "n_hidden", "gflops"),
                chart("steps/s vs batch (n_hidden 200)", "batch", "steps/s", byBatch, "batch_size", "steps_per_s"),
                chart("GFLOP/s vs batch (n_hidden 200)", "batch", "GFLOP/s", byBatch, "batch_size", "gflops"));
        try {
            String name = file.toString();
            String base = name.toLowerCase().endsWith(".png") ? name.substring(0, name.length() - 4) : name;
            BitmapEncoder.saveBitmap(charts, 2, 2, base, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + file + ": " + e.getMessage(), e);
        }
    }

    private static XYChart chart(String title, String x, String y, List<BenchResult> pts, String xKey,
            String metric) {
        XYChart c = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(metric.equals("steps_per_s"));
        double[] xs = new double[pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            xs[i] = ((Number) pts.get(i).config().get(xKey)).doubleValue();
        }
        series(c, "ninja fused, 1 thread", xs, pts, r -> r.loop("ninja"), metric);
        series(c, "ninja fused, 2 threads", xs, pts, r -> r.loop("ninja_2_threads"), metric);
        series(c, "libtorch (DJL)", xs, pts, r -> r.baseline() == null ? null : r.loop(r.baseline()), metric);
        return c;
    }

    /** One line of medians, left out when a point lacks the loop (no libtorch). */
    private static void series(XYChart c, String name, double[] xs, List<BenchResult> pts,
            Function<BenchResult, BenchResult.Loop> loop, String metric) {
        double[] ys = new double[pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            BenchResult.Loop l = loop.apply(pts.get(i));
            if (l == null) {
                return;
            }
            ys[i] = metric.equals("gflops") ? l.gflopsMedian() : l.median();
        }
        c.addSeries(name, xs, ys);
    }
}
