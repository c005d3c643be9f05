package ninja.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.check.GradientCheck;
import ninja.check.LayerCheck;
import ninja.check.LayerFiniteDifferences;
import ninja.check.LayerReference;
import ninja.data.Splits;
import ninja.model.Batch;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.reference.TorchLayerReference;
import ninja.rng.TorchGenerator;

/** {@code ./ninja check --config wavenet}: every layer's backward of makemore part 5's WaveNet, checked. */
final class WaveNetCheck {
    private WaveNetCheck() {
    }

    static int run(CheckCommand c, PrintWriter out, List<LayerReference> refs) {
        WaveNetConfig cfg = c.model.waveNetConfig();
        Splits s = Splits.of(c.model.names(), cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential model = WaveNet.build(cfg, s.vocab().size(), g);
        Batch b = Batch.draw(s.train(), cfg.batchSize(), g);
        List<LayerCheck.Report> reports = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        for (LayerReference r : refs) {
            long t0 = System.nanoTime();
            try {
                reports.add(LayerCheck.run(model, b, r));
            } catch (RuntimeException | LinkageError e) {
                if (!r.name().equals("torch")) {
                    throw e;
                }
                throw new ninja.check.ReferenceUnavailable(r.name(), e);
            }
            seconds.add((System.nanoTime() - t0) / 1e9);
        }
        boolean ok = reports.stream().allMatch(LayerCheck.Report::ok);
        List<String> failed = new ArrayList<>();
        for (LayerCheck.Report r : reports) {
            r.failed().forEach(n -> failed.add(reports.size() > 1 ? n + " [" + r.reference() + "]" : n));
        }
        if (c.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", ok);
            m.put("config", WaveNetCommands.configJson(cfg));
            List<Map<String, Object>> rm = new ArrayList<>();
            for (int i = 0; i < reports.size(); i++) {
                LayerCheck.Report r = reports.get(i);
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("name", r.reference());
                x.put("ok", r.ok());
                x.put("loss", r.loss());
                x.put("reference_loss", r.referenceLoss());
                x.put("maxdiff", r.maxdiff());
                x.put("seconds", seconds.get(i));
                List<Map<String, Object>> rows = new ArrayList<>();
                for (GradientCheck.Row row : r.rows()) {
                    Map<String, Object> y = new LinkedHashMap<>();
                    y.put("name", row.cmp().name());
                    y.put("exact", row.cmp().exact());
                    y.put("approximate", row.cmp().approximate());
                    y.put("maxdiff", Double.isNaN(row.cmp().maxdiff()) ? null : row.cmp().maxdiff());
                    y.put("relerr", Double.isNaN(row.verdict().relerr()) ? null : row.verdict().relerr());
                    y.put("verdict", row.label());
                    y.put("compared", row.compared());
                    y.put("elements", row.elements());
                    if (row.cmp().problem() != null) {
                        y.put("problem", row.cmp().problem());
                    }
                    rows.add(y);
                }
                x.put("rows", rows);
                rm.add(x);
            }
            m.put("references", rm);
            m.put("failed", failed);
            Json.print(out, m);
        } else {
            out.printf("config      %s%n", WaveNetCommands.describe(cfg));
            out.printf("model       %s%n", model.describe());
            for (int i = 0; i < reports.size(); i++) {
                LayerCheck.Report r = reports.get(i);
                out.println();
                out.printf("reference   %s%n", r.reference().equals("fd")
                        ? "fd, central finite differences in float64 of the layers' float64 forward ("
                                + (c.fdSamples == 0 ? "every element" : "up to " + c.fdSamples + " elements per tensor")
                                + ")"
                        : r.reference() + ", libtorch autograd over the same layer list");
                for (GradientCheck.Row row : r.rows()) {
                    out.println(row.format());
                }
                out.printf("loss        %s (mine), %s (%s)%n", Float.toString((float) r.loss()), r.referenceLoss(),
                        r.reference());
                long pass = r.rows().stream().filter(GradientCheck.Row::ok).count();
                long approx = r.rows().stream().filter(x -> x.ok() && x.cmp().approximate()).count();
                out.printf("summary     %d of %d rows pass (%d allclose, %d within float32 rounding), largest maxdiff %s;"
                        + " %s took %.2f s%n", pass, r.rows().size(), approx, pass - approx, r.maxdiff(), r.reference(),
                        seconds.get(i));
            }
            out.println(ok ? "ok: every gradient equals the reference up to float32 rounding"
                    : "FAILED: " + failed.size() + " row(s) wrong beyond float32 rounding: " + String.join(", ", failed));
        }
        return ok ? Main.OK : Main.CHECK_FAILED;
    }

    /** The references --reference names; torch comes with ninja-torch's layer interpreter. */
    static List<LayerReference> references(CheckCommand c) {
        List<LayerReference> refs = new ArrayList<>();
        if (c.reference != CheckCommand.Which.fd) {
            refs.add(new TorchLayerReference());
        }
        if (c.reference != CheckCommand.Which.torch) {
            refs.add(new LayerFiniteDifferences(c.fdSamples == 0 ? Integer.MAX_VALUE : c.fdSamples));
        }
        return refs;
    }
}
