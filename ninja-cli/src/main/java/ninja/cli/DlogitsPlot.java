package ninja.cli;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import ninja.tensor.Tensor;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The lecture's {@code plt.imshow(dlogits, cmap='gray')}: one cell per (batch row, character), black at the
 * smallest gradient, white at the largest. The dark cell in each row is the correct character (probs - 1) / n,
 * pulled down; every other cell is pushed up by its probability / n.
 */
final class DlogitsPlot {
    private DlogitsPlot() {
    }

    /** Writes dir/dlogits.png (via a temporary file, so a failure leaves nothing half-written). */
    static Path write(Tensor dlogits, Path dir) {
        System.setProperty("java.awt.headless", "true");
        int n = dlogits.dim(0), v = dlogits.dim(1);
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float x : dlogits.data()) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(400, 24 * v + 220))
                .height(Math.max(300, 18 * n + 140)).build();
        chart.setTitle("dlogits  (" + n + " x " + v + ", grey: " + String.format("%.4g", min) + " black .. "
                + String.format("%.4g", max) + " white)");
        chart.setXAxisTitle("character index");
        chart.setYAxisTitle("batch row");
        chart.getStyler().setRangeColors(new Color[] {Color.BLACK, Color.WHITE});
        chart.getStyler().setMin(min);
        chart.getStyler().setMax(max);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        chart.getStyler().setLegendFont(font);
        chart.getStyler().setValueFont(font);
        chart.getStyler().setHeatMapValueDecimalPattern("0.0000");
        List<Integer> xs = new ArrayList<>();
        for (int j = 0; j < v; j++) {
            xs.add(j);
        }
        // imshow draws row 0 at the top; the heat map's y axis grows upwards, so list the rows from the bottom
        List<Integer> ys = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            ys.add(i);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < v; j++) {
                cells.add(new Number[] {j, n - 1 - i, dlogits.get(i, j)});
            }
        }
        chart.addSeries("dlogits", xs, ys, cells);
        Path png = dir.resolve("dlogits.png");
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(".dlogits.png.tmp");
            try {
                Files.write(tmp, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
                Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new Errors.UserError("cannot write the plot " + png + ": " + e.getMessage(), e);
        }
        return png;
    }
}
