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
 * validation losses as points. The per-step line is drawn as its envelope: each run of steps that shares a few pixels
 * contributes its lowest and its highest loss, in step order, so the band the raw line fills stays as it is while
 * the chart draws about {@link #ENVELOPE} points instead of one per step (200,000 took XChart 1-2 s to draw).
 */
final class LossPlot {
    static final int BLOCK = 1000;
    /** At most this many points for the per-step series (two per run of steps: a run is narrower than a pixel of the 1,000-pixel chart). */
    static final int ENVELOPE = 2000;

    private LossPlot() {
    }

    /**
     * Draws a small chart to memory on a daemon thread and drops it: loads and initialises Java2D, the fonts and
     * XChart while the training steps run on the other core, so the real chart after the last step draws warm.
     */
    static void warmUp() {
        Thread t = new Thread(() -> {
            try {
                System.setProperty("java.awt.headless", "true");
                XYChart chart = new XYChartBuilder().width(200).height(120).title("warm-up").build();
                chart.addSeries("warm-up", new double[] {0, 1, 2}, new double[] {1, 0.5, 0.7}).setMarker(SeriesMarkers.NONE);
                BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            } catch (Throwable ignored) {
                // only a head start: the real chart reports its own errors
            }
        }, "ninja-plot-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * Starts {@link #write} on a thread of its own and returns it; {@link Drawing#await} waits for the file (the
     * training command calibrates, evaluates and samples meanwhile, on the core the chart leaves free).
     */
    static Drawing start(Path file, Metrics m) {
        return new Drawing(ninja.train.Background.start("ninja-loss-plot", () -> {
            write(file, m);
            return null;
        }));
    }

    /** A chart being written by {@link #start}. */
    static final class Drawing {
        private final ninja.train.Background<Void> done;

        private Drawing(ninja.train.Background<Void> done) {
            this.done = done;
        }

        /** Waits until the chart is written (uninterruptibly); rethrows what writing it threw. */
        void await() throws IOException {
            try {
                done.await();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
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
        envelope(m.losses, x, y);
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

    /**
     * (step, log10 loss) of the lowest and the highest finite positive loss in each run of consecutive steps, the
     * runs as long as keeps the points within {@link #ENVELOPE}; both in step order (one point when they coincide).
     */
    static void envelope(List<Float> losses, List<Double> x, List<Double> y) {
        int n = losses.size();
        int run = Math.max(1, (n + ENVELOPE / 2 - 1) / (ENVELOPE / 2));
        for (int start = 0; start < n; start += run) {
            int lo = -1, hi = -1;
            for (int i = start; i < Math.min(n, start + run); i++) {
                float l = losses.get(i);
                if (Float.isFinite(l) && l > 0) {
                    lo = lo < 0 || l < losses.get(lo) ? i : lo;
                    hi = hi < 0 || l > losses.get(hi) ? i : hi;
                }
            }
            if (lo >= 0) {
                point(losses, Math.min(lo, hi), x, y);
                if (hi != lo) {
                    point(losses, Math.max(lo, hi), x, y);
                }
            }
        }
    }

    private static void point(List<Float> losses, int step, List<Double> x, List<Double> y) {
        x.add((double) step);
        y.add(Math.log10(losses.get(step)));
    }
}
