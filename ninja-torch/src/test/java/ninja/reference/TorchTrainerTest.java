package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import ninja.check.Cmp;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import ninja.testing.TestData;
import ninja.train.TrainStep;
import org.junit.jupiter.api.Test;

/** The bench's baseline trains the same model: libtorch (manual and autograd) and TrainStep agree step by step. */
class TorchTrainerTest {
    @Test
    void torchLoopsTrainLikeTheFusedStep() {
        Splits s = Splits.of(TestData.names(), 3);
        Config cfg = Config.named("lecture").with(null, 24, null, 16, null);
        Parameters p = Parameters.init(cfg, s.vocab().size(), new TorchGenerator(cfg.seed()));
        TrainStep fused = new TrainStep(p.copy(), 16);
        try (TorchTrainer manual = new TorchTrainer(p.copy(), 16, TorchTrainer.Mode.MANUAL);
                TorchTrainer auto = new TorchTrainer(p.copy(), 16, TorchTrainer.Mode.AUTOGRAD)) {
            TorchGenerator g = new TorchGenerator(3);
            for (int i = 0; i < 30; i++) {
                Batch b = Batch.draw(s.train(), 16, g);
                float lf = fused.step(b, 0.1f);
                assertThat((double) manual.step(b, 0.1f)).isCloseTo(lf, org.assertj.core.data.Offset.offset(1e-4));
                assertThat((double) auto.step(b, 0.1f)).isCloseTo(lf, org.assertj.core.data.Offset.offset(1e-4));
            }
            Parameters pm = p.copy();
            manual.copyInto(pm);
            Parameters pf = fused.parameters();
            for (String name : Parameters.NAMES) {
                Cmp.Row row = Cmp.compare(name, pf.byName().get(name).data(), pm.byName().get(name).data());
                assertThat(row.maxdiff()).as(row.format()).isLessThan(1e-4);
            }
        }
    }
}
