package ninja.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.check.FiniteDifferences;
import ninja.check.GradientCheck;
import ninja.check.Reference;
import ninja.check.ReferenceUnavailable;
import ninja.data.Splits;
import ninja.model.Batch;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./ninja check}: Exercises 1 to 3, checked. The lecture's cmp table, one row per gradient, against
 * libtorch autograd, finite differences in float64, or both. Exit 0 when every row is approximately equal,
 * 1 when one is not.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Run the forward pass and the manual backward pass (atomic and fused) on the first batch, and "
                + "compare every gradient with a reference: the lecture's cmp table.")
final class CheckCommand implements Callable<Integer> {
    /** The torch reference lives in module ninja-torch; loaded by name so the check works without it. */
    static final String TORCH_CLASS = "ninja.reference.TorchReference";

    enum Which { torch, fd, both }

    @Mixin
    ModelOptions model;

    @Option(names = "--reference", defaultValue = "torch", paramLabel = "REF",
            description = "torch (libtorch autograd), fd (central finite differences in float64) or both; default ${DEFAULT-VALUE}")
    Which reference;

    @Option(names = "--local",
            description = "feed each backward step the reference's upstream gradient and forward values, so an error shows in its own row only")
    boolean local;

    @Option(names = "--fd-samples", paramLabel = "N", defaultValue = "64",
            description = "finite differences: elements per tensor (0: every element; slow for large tensors); default ${DEFAULT-VALUE}")
    int fdSamples;

    @Option(names = "--plot", paramLabel = "DIR", description = "write DIR/dlogits.png, the lecture's grey-scale picture of dlogits")
    Path plot;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (fdSamples < 0) {
            throw new Errors.UserError("--fd-samples must be 0 (every element) or positive, got " + fdSamples);
        }
        if (model.wavenet()) {
            return WaveNetCheck.run(this, out, WaveNetCheck.references(this));
        }
        Config cfg = model.config();
        List<Reference> refs = references();
        Splits s = Splits.of(model.names(), cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Parameters p = Parameters.init(cfg, s.vocab().size(), g);
        Batch b = Batch.draw(s.train(), cfg.batchSize(), g);

        List<GradientCheck.Report> reports = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        for (Reference r : refs) {
            long t0 = System.nanoTime();
            Reference.Result result = computeReference(r, p, b);
            seconds.add((System.nanoTime() - t0) / 1e9);
            try {
                reports.add(GradientCheck.compare(p, b, result, r.name(), local));
            } catch (GradientCheck.ReferenceMismatch e) {
                spec.commandLine().getErr().println("ninja: error: " + e.getMessage());
                return Main.CHECK_FAILED;
            }
        }
        Path png = plot != null ? DlogitsPlot.write(reports.get(0).dlogits(), plot) : null;
        boolean ok = reports.stream().allMatch(GradientCheck.Report::ok);
        List<String> failed = new ArrayList<>();
        for (GradientCheck.Report r : reports) {
            for (String name : r.failed()) {
                failed.add(reports.size() > 1 ? name + " [" + r.reference() + "]" : name);
            }
        }
        if (json) {
            Json.print(out, json(cfg, reports, seconds, ok, failed, png));
        } else {
            text(out, cfg, reports, seconds, ok, failed, png);
        }
        return ok ? Main.OK : Main.CHECK_FAILED;
    }

    private List<Reference> references() {
        List<Reference> refs = new ArrayList<>();
        if (reference != Which.fd) {
            refs.add(torch());
        }
        if (reference != Which.torch) {
            int samples = fdSamples == 0 ? Integer.MAX_VALUE : fdSamples;
            refs.add(new FiniteDifferences(samples, local || fdSamples == 0));
        }
        return refs;
    }

    /** The torch reference, loaded by class name and started; {@link ReferenceUnavailable} when it cannot. */
    static Reference torch() {
        return ninja.exercise.ReferenceLoader.load("torch");
    }

    private static Reference.Result computeReference(Reference r, Parameters p, Batch b) {
        if (!"torch".equals(r.name())) {
            return r.compute(p, b);
        }
        try {
            return r.compute(p, b);
        } catch (RuntimeException | LinkageError e) {
            throw new ReferenceUnavailable(r.name(), e);
        }
    }

    private String describe(GradientCheck.Report r) {
        String mode = local ? "local (each step fed the reference's upstream gradient)" : "chained (as the lecture)";
        if (r.reference().equals("fd")) {
            String n = fdSamples == 0 ? "every element" : "up to " + fdSamples + " elements per tensor";
            return "fd, central finite differences in float64 (" + n + (local ? ", intermediates complete" : "")
                    + "); " + mode;
        }
        return r.reference() + ", libtorch autograd; " + mode;
    }

    private void text(PrintWriter out, Config cfg, List<GradientCheck.Report> reports, List<Double> seconds,
            boolean ok, List<String> failed, Path png) {
        out.printf("config      %s (n_embd %d, n_hidden %d, block %d, batch %d, seed %d)%n", cfg.name(), cfg.nEmbd(),
                cfg.nHidden(), cfg.blockSize(), cfg.batchSize(), cfg.seed());
        for (int i = 0; i < reports.size(); i++) {
            GradientCheck.Report r = reports.get(i);
            out.println();
            out.printf("reference   %s%n", describe(r));
            for (GradientCheck.Row row : r.rows()) {
                out.println(row.format());
            }
            long passed = r.rows().stream().filter(GradientCheck.Row::ok).count();
            long approx = r.rows().stream().filter(x -> x.cmp().ok()).count();
            long exact = r.rows().stream().filter(x -> x.cmp().ok() && x.cmp().exact()).count();
            long rounding = r.rows().stream().filter(x -> x.ok() && !x.cmp().ok()).count();
            out.printf("loss        %s (mine), %s (%s)%n", Float.toString((float) r.loss()), r.referenceLoss(),
                    r.reference());
            if (!r.forward().isEmpty()) {
                List<String> off = r.forwardFailed();
                out.printf("forward     %d of %d intermediates of our forward approximately equal to %s's, largest maxdiff %s%s%n",
                        r.forward().size() - off.size(), r.forward().size(), r.reference(), r.forwardMaxdiff(),
                        off.isEmpty() ? "" : " (not: " + String.join(", ", off) + ")");
            }
            out.printf("summary     %d of %d rows pass (%d approximately equal, %d exact, %d within float32 rounding), "
                    + "largest maxdiff %s; %s took %.2f s%n", passed, r.rows().size(), approx, exact, rounding, r.maxdiff(),
                    r.reference(), seconds.get(i));
        }
        if (png != null) {
            out.printf("plot        %s%n", png);
        }
        out.println(ok ? "ok: every gradient equals the reference up to float32 rounding"
                : "FAILED: " + failed.size() + " row(s) wrong beyond float32 rounding: " + String.join(", ", failed));
    }

    private Map<String, Object> json(Config cfg, List<GradientCheck.Report> reports, List<Double> seconds,
            boolean ok, List<String> failed, Path png) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok);
        m.put("config", InitCommand.configJson(cfg));
        m.put("local", local);
        List<Map<String, Object>> refs = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            GradientCheck.Report r = reports.get(i);
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("name", r.reference());
            rm.put("ok", r.ok());
            rm.put("loss", r.loss());
            rm.put("reference_loss", r.referenceLoss());
            rm.put("maxdiff", r.maxdiff());
            rm.put("forward_maxdiff", r.forwardMaxdiff());
            rm.put("forward_not_approximate", r.forwardFailed());
            rm.put("seconds", seconds.get(i));
            refs.add(rm);
            for (GradientCheck.Row row : r.rows()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("name", row.name());
                x.put("exact", row.cmp().exact());
                x.put("approximate", row.cmp().approximate());
                x.put("maxdiff", Double.isNaN(row.cmp().maxdiff()) ? null : row.cmp().maxdiff());
                x.put("relerr", Double.isFinite(row.verdict().relerr()) ? row.verdict().relerr() : null);
                x.put("verdict", row.label());
                x.put("reference", row.reference());
                x.put("compared", row.compared());
                x.put("elements", row.elements());
                if (row.cmp().problem() != null) {
                    x.put("problem", row.cmp().problem());
                }
                rows.add(x);
            }
        }
        m.put("references", refs);
        m.put("rows", rows);
        m.put("failed", failed);
        if (png != null) {
            m.put("plot", png.toString());
        }
        return m;
    }
}
