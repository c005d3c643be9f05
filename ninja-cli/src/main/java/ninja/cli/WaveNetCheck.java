package ninja.cli;

import java.util.ArrayList;
import java.util.List;
import ninja.check.LayerCheck;
import ninja.check.LayerFiniteDifferences;
import ninja.check.LayerReference;
import ninja.check.ReferenceUnavailable;
import ninja.data.Batch;
import ninja.model.Start;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.reference.TorchLayerReference;

/** {@code ./ninja check --config wavenet}: every layer's backward of makemore part 5's WaveNet, checked. */
final class WaveNetCheck {
    private WaveNetCheck() {
    }

    static int run(CheckCommand c, List<LayerReference> refs) {
        WaveNetConfig cfg = c.model.waveNetConfig();
        Start<Sequential> start = Start.wavenet(cfg, c.model.splits());
        Sequential model = start.model();
        Batch b = start.firstBatch(cfg.batchSize());
        List<CheckOutput.Table> tables = new ArrayList<>();
        for (LayerReference r : refs) {
            long t0 = System.nanoTime();
            LayerCheck.Report report;
            try {
                report = LayerCheck.run(model, b, r);
            } catch (RuntimeException | LinkageError e) {
                if (!r.name().equals("torch")) {
                    throw e;
                }
                throw new ReferenceUnavailable(r.name(), e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            String describe = r.name().equals("fd")
                    ? "fd, central finite differences in float64 of the layers' float64 forward ("
                            + (c.fdSamples == 0 ? "every element" : "up to " + c.fdSamples + " elements per tensor") + ")"
                    : r.name() + ", libtorch autograd over the same layer list";
            tables.add(new CheckOutput.Table(r.name(), describe, report.rows(), List.of(), report.loss(),
                    report.referenceLoss(), seconds));
        }
        return CheckOutput.print(c.output, cfg, model.describe(), false, tables, null);
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
