package ninja.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ninja.io.AtomicFile;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * DIR/loss.png, the lecture's plot: log10 of every step's batch loss, its mean over each 1,000 steps
 * ({@code plt.plot(torch.tensor(lossi).view(-1, 1000).mean(1))}, drawn at the middle of each block), and the
 * validation losses as points.
 */
final class LossPlot {
    static final int BLOCK = 1000;

    private LossPlot() {
    }

    static void write(Path file, Metrics m) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1000).height(600).title("training loss")
                .xAxisTitle("step").yAxisTitle("log10 loss").build();
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        int n = m.losses.size();
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        // thin the per-step series to at most ~20k points: the plot cannot show more, and rendering stays quick
        int stride = Math.max(1, n / 20_000);
        for (int i = 0; i < n; i += stride) {
            float l = m.losses.get(i);
            if (Float.isFinite(l) && l > 0) {
                x.add((double) i);
                y.add(Math.log10(l));
            }
        }
        if (!x.isEmpty()) {
            XYSeries s = chart.addSeries("log10 loss per step", x, y);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(new java.awt.Color(31, 119, 180, 70));
            s.setLineWidth(0.5f);
        }
        List<Double> bx = new ArrayList<>();
        List<Double> by = new ArrayList<>();
        for (int start = 0; start + BLOCK <= n; start += BLOCK) {
            double sum = 0;
            int k = 0;
            for (int i = start; i < start + BLOCK; i++) {
                float l = m.losses.get(i);
                if (Float.isFinite(l) && l > 0) {
                    sum += Math.log10(l);
                    k++;
                }
            }
            if (k > 0) {
                bx.add(start + BLOCK / 2.0);
                by.add(sum / k);
            }
        }
        if (!bx.isEmpty()) {
            XYSeries s = chart.addSeries("mean per 1,000 steps", bx, by);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(new java.awt.Color(214, 39, 40));
            s.setLineWidth(2f);
        }
        if (!m.valLosses.isEmpty()) {
            List<Double> vx = new ArrayList<>();
            List<Double> vy = new ArrayList<>();
            for (int i = 0; i < m.valLosses.size(); i++) {
                vx.add((double) m.valSteps.get(i));
                vy.add(Math.log10(m.valLosses.get(i)));
            }
            XYSeries s = chart.addSeries("val loss", vx, vy);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(new java.awt.Color(44, 160, 44));
        }
        if (chart.getSeriesMap().isEmpty()) {
            return;
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(png)));
    }
}
