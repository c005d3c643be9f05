package ninja.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import ninja.check.LayerFiniteDifferences;
import ninja.check.LayerGradients;
import ninja.data.Batch;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.SequentialStep;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every layer's hand-written backward against float64 finite differences of the layers' own float64 forward. */
class LayerGradientTest {

    /** |mine - fd| <= 1e-5 max|fd| + 1e-4 |fd| at every element finite differences computed. */
    static List<String> mismatches(String name, Tensor mine, Tensor fd) {
        List<String> bad = new ArrayList<>();
        assertThat(mine.shape()).as(name).containsExactly(fd.shape());
        double scale = 0;
        for (float v : fd.data()) {
            if (!Float.isNaN(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        int checked = 0;
        for (int i = 0; i < fd.numel(); i++) {
            float r = fd.data()[i];
            if (Float.isNaN(r)) {
                continue;
            }
            checked++;
            double d = Math.abs(mine.data()[i] - r);
            if (!(d <= 1e-5 * scale + 1e-4 * Math.abs(r))) {
                bad.add(name + "[" + i + "]: mine " + mine.data()[i] + ", fd " + r);
            }
        }
        assertThat(checked).as(name + " elements checked").isPositive();
        return bad;
    }

    static List<String> check(WaveNetConfig cfg, int samples) {
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential m = WaveNet.build(cfg, 27, g);
        Batch b = Batch.draw(WaveNetTest.splits(cfg.blockSize()).train(), cfg.batchSize(), g);
        SequentialStep step = new SequentialStep(m, cfg.batchSize(), cfg.blockSize());
        float loss = step.forwardBackward(b);
        LayerGradients fd = new LayerFiniteDifferences(samples).compute(m, b);
        assertThat((double) loss).isCloseTo(fd.loss(), org.assertj.core.data.Offset.offset(1e-5));
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            bad.addAll(mismatches("layers." + i + ".out", step.plan().grad(i), fd.outputs().get(i)));
        }
        for (Param p : m.params()) {
            bad.addAll(mismatches(p.name(), p.grad, fd.params().get(p)));
        }
        return bad;
    }

    @Test
    void smallWaveNetEveryElement() {
        // 3-D batchnorm at the first level ([3, 2, 7]), 2-D at the second ([3, 7])
        assertThat(check(new WaveNetConfig(5, 7, 4, 3, 1234), Integer.MAX_VALUE)).isEmpty();
    }

    @Test
    void notebookWaveNetSampled() {
        assertThat(check(WaveNetConfig.NOTEBOOK, 12)).isEmpty();
    }
}
