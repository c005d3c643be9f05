package ninja.train;

import static org.assertj.core.api.Assertions.assertThat;

import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.rng.TorchGenerator;
import ninja.tensor.Parallel;
import ninja.tensor.Tensor;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;

/** Training on two threads gives the bits of one thread: the MLP at hidden 512 / batch 256 and the WaveNet. */
class ThreadsTest {
    @Test
    void mlpTrainsBitIdenticallyOnTwoThreads() {
        Config c = Config.named("notebook").with(null, 512, null, 256, null);
        assertThat(mlp(c, 1)).isEqualTo(mlp(c, 2));
    }

    @Test
    void waveNetTrainsBitIdenticallyOnTwoThreads() {
        assertThat(waveNet(1)).isEqualTo(waveNet(2));
    }

    static float[][] mlp(Config c, int threads) {
        Parameters p = Parameters.init(c, 27, new TorchGenerator(c.seed()));
        TrainStep st = new TrainStep(p, c.batchSize());
        TorchGenerator g = new TorchGenerator(c.seed() + 1);
        Splits s = Splits.of(TestData.names(), c.blockSize());
        try (Parallel par = Parallel.onThisThread(threads)) {
            for (int i = 0; i < 30; i++) {
                st.step(Batch.draw(s.train(), c.batchSize(), g), 0.1f);
            }
        }
        return st.parameters().trainable().stream().map(Tensor::data).toArray(float[][]::new);
    }

    static float[][] waveNet(int threads) {
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK;
        Sequential m = WaveNet.build(cfg, 27, new TorchGenerator(cfg.seed()));
        SequentialStep st = new SequentialStep(m, cfg.batchSize(), cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed() + 1);
        Splits s = Splits.of(TestData.names(), cfg.blockSize());
        try (Parallel par = Parallel.onThisThread(threads)) {
            for (int i = 0; i < 30; i++) {
                st.step(Batch.draw(s.train(), cfg.batchSize(), g), 0.1f);
            }
        }
        st.syncParameters();
        return m.params().stream().map(q -> q.value.data()).toArray(float[][]::new);
    }
}
