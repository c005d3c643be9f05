package ninja.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.SequentialStep;
import ninja.rng.TorchGenerator;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;

/** makemore part 5's WaveNet against the numbers its notebook prints. */
class WaveNetTest {
    private static final java.util.Map<Integer, Splits> SPLITS = new java.util.HashMap<>();

    static synchronized Splits splits(int blockSize) {
        return SPLITS.computeIfAbsent(blockSize, bs -> Splits.of(TestData.names(), bs));
    }

    static Splits splits() {
        return splits(8);
    }

    @Test
    void hasTheNotebooksShapesAndParameterCount() {
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK;
        Sequential m = WaveNet.build(cfg, 27, new TorchGenerator(cfg.seed()));
        assertThat(m.count()).isEqualTo(76_579);                 // the notebook prints 76579
        assertThat(m.outShape(new int[] {32, 8})).containsExactly(32, 27);
        assertThat(m.describe()).startsWith("Sequential([Embedding(27, 24), FlattenConsecutive(2), "
                + "Linear(48, 128, bias=False), BatchNorm1d(128), Tanh(), FlattenConsecutive(2)");
        assertThat(m.params().get(1).name()).isEqualTo("layers.2.weight");
    }

    @Test
    void stepZeroLossIsTheNotebooks() {
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK;
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential m = WaveNet.build(cfg, 27, g);
        Batch b = Batch.draw(splits().train(), cfg.batchSize(), g);
        SequentialStep step = new SequentialStep(m, cfg.batchSize(), cfg.blockSize());
        float loss = step.forwardBackward(b);
        assertThat(String.format("%.4f", loss)).isEqualTo("3.3167");   // the notebook prints "0/ 200000: 3.3167"
    }
}
