package ninja.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ninja.check.FiniteDifferences;
import ninja.check.GradientCheck;
import ninja.check.Reference;
import ninja.check.ReferenceUnavailable;
import ninja.data.Batch;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.model.Start;
import ninja.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ninja check}: Exercises 1 to 3, checked. The lecture's cmp table, one row per gradient, against
 * libtorch autograd, finite differences in float64, or both. Exit 0 when every row is approximately equal,
 * 1 when one is not.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Run the forward pass and the manual backward pass (atomic and fused) on the first batch, and "
                + "compare every gradient with a reference: the lecture's cmp table.")
final class CheckCommand extends ModelCommand {
    enum Which { torch, fd, both }

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

    @Override
    public Integer call() {
        if (fdSamples < 0) {
            throw new Errors.UserError("--fd-samples must be 0 (every element) or positive, got " + fdSamples);
        }
        if (model.wavenet()) {
            return WaveNetCheck.run(this, WaveNetCheck.references(this));
        }
        Config cfg = model.config();
        List<Reference> refs = references();
        Start<Parameters> start = Start.mlp(cfg, model.splits());
        Parameters p = start.model();
        Batch b = start.firstBatch(cfg.batchSize());

        List<CheckOutput.Table> tables = new ArrayList<>();
        Tensor dlogits = null;
        for (Reference r : refs) {
            long t0 = System.nanoTime();
            Reference.Result result = computeReference(r, p, b);
            double seconds = (System.nanoTime() - t0) / 1e9;
            GradientCheck.Report report;
            try {
                report = GradientCheck.compare(p, b, result, r.name(), local);
            } catch (GradientCheck.ReferenceMismatch e) {
                output.err().println("ninja: error: " + e.getMessage());
                return Main.CHECK_FAILED;
            }
            dlogits = dlogits == null ? report.dlogits() : dlogits;
            tables.add(new CheckOutput.Table(r.name(), describe(r.name()), report.rows(), report.forward(),
                    report.loss(), report.referenceLoss(), seconds));
        }
        Path png = plot != null ? DlogitsPlot.write(dlogits, plot) : null;
        return CheckOutput.print(output, cfg, null, local, tables, png);
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

    private String describe(String reference) {
        String mode = local ? "local (each step fed the reference's upstream gradient)" : "chained (as the lecture)";
        if (reference.equals("fd")) {
            String n = fdSamples == 0 ? "every element" : "up to " + fdSamples + " elements per tensor";
            return "fd, central finite differences in float64 (" + n + (local ? ", intermediates complete" : "")
                    + "); " + mode;
        }
        return reference + ", libtorch autograd; " + mode;
    }
}
