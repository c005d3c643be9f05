package ninja.model;

import static org.assertj.core.api.Assertions.assertThat;

import ninja.data.Batch;
import ninja.data.Splits;
import ninja.lecture.Activations;
import ninja.lecture.Name;
import ninja.rng.TorchGenerator;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;

class NotebookForwardTest {

    @Test
    void notebookConfigurationGivesTheNotebooksLoss() {
        Splits s = Splits.of(TestData.names(), 3);
        Config cfg = Config.named("notebook");
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Parameters p = Parameters.init(cfg, s.vocab().size(), g);
        Batch b = Batch.draw(s.train(), cfg.batchSize(), g);
        Activations a = Mlp.forward(p, b);
        assertThat(p.count()).isEqualTo(12297);
        // the notebook prints tensor(3.8279); libtorch through DJL gave 3.82793760 on this machine
        assertThat(String.format("%.4f", a.get(Name.loss).item())).isEqualTo("3.8279");
        System.out.println("notebook loss " + a.get(Name.loss).item());
    }
}
