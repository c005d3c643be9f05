package ninja.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The chart of {@code ./ninja bench --scaling}: steps/s and GFLOP/s against hidden size and batch size. */
final class ScalingChart {
    private ScalingChart() {
    }

    static void write(Path file, List<Map<String, Object>> byHidden, List<Map<String, Object>> byBatch) {
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

    private static XYChart chart(String title, String x, String y, List<Map<String, Object>> pts, String xKey,
            String metric) {
        XYChart c = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(metric.equals("steps_per_s"));
        double[] xs = new double[pts.size()];
        double[] ninja = new double[pts.size()];
        double[] torch = new double[pts.size()];
        boolean hasTorch = true;
        for (int i = 0; i < pts.size(); i++) {
            Map<String, Object> p = pts.get(i);
            xs[i] = ((Number) p.get(xKey)).doubleValue();
            ninja[i] = ((Number) p.get(metric.equals("gflops") ? "ninja_gflops" : "ninja_steps_per_s")).doubleValue();
            Object t = p.get(metric.equals("gflops") ? "torch_gflops" : "torch_steps_per_s");
            hasTorch &= t != null;
            torch[i] = t == null ? Double.NaN : ((Number) t).doubleValue();
        }
        c.addSeries("ninja fused", xs, ninja);
        if (hasTorch) {
            c.addSeries("libtorch (DJL)", xs, torch);
        }
        return c;
    }
}
