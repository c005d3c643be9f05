package ninja.reference;

import static ninja.reference.ParametersInitTest.bits;
import static ninja.reference.ParametersInitTest.randn;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import ninja.data.Batch;
import ninja.data.ContextDataset;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link WaveNet#build} against makemore part 5's initialisation cell run with torch ops, bit for bit. */
class WaveNetInitTest {
    static final int VOCAB = 27;

    @Test
    void notebookInitAndFirstBatchEqualTorchsBitForBit() {
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK;
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential mine = WaveNet.build(cfg, VOCAB, g);
        ContextDataset train = TestSplits.of(cfg.blockSize()).train();
        Batch b = Batch.draw(train, cfg.batchSize(), g);
        try (NDManager m = Torch.newManager()) {
            List<NDArray> torch = torchInit(m, cfg);
            // the loop's first ix = torch.randint(0, Xtr.shape[0], (batch_size,)) continues the same generator
            long[] ix = m.randomInteger(0, train.size(), new Shape(cfg.batchSize()), DataType.INT64).toLongArray();
            List<Param> params = mine.params();
            assertThat(params).hasSameSizeAs(torch);
            for (int k = 0; k < params.size(); k++) {
                Tensor t = Torch.toTensor(torch.get(k));
                Param p = params.get(k);
                assertThat(p.value.shape()).as(p.name()).isEqualTo(t.shape());
                assertThat(bits(p.value.data())).as(p.name()).isEqualTo(bits(t.data()));
            }
            for (int i = 0; i < ix.length; i++) {
                assertThat(b.yb()[i]).as("Yb[%d]", i).isEqualTo(train.y()[(int) ix[i]]);
            }
        }
    }

    /**
     * The notebook's cell after {@code torch.manual_seed(42)}: the layers draw in order; a Python float meets a
     * float32 tensor as float32, so {@code randn(...) / fan_in**0.5} divides by the float nearest sqrt(fan_in).
     */
    static List<NDArray> torchInit(NDManager m, WaveNetConfig cfg) {
        int e = cfg.nEmbd(), h = cfg.nHidden();
        Torch.manualSeed(cfg.seed());
        List<NDArray> ps = new ArrayList<>();
        ps.add(randn(m, VOCAB, e));                                                 // Embedding: randn((27, 24))
        for (int level = 0, width = e; level < cfg.levels(); level++, width = h) {
            ps.add(kaiming(m, width * 2, h));                                       // Linear(.., bias=False)
            ps.add(m.ones(new Shape(h)));                                           // BatchNorm1d gamma
            ps.add(m.zeros(new Shape(h)));                                          // beta
        }
        ps.add(kaiming(m, h, VOCAB).mul(Torch.scalar(m, 0.1f)));                   // layers[-1].weight *= 0.1
        ps.add(m.zeros(new Shape(VOCAB)));                                          // bias = torch.zeros(fan_out)
        return ps;
    }

    static NDArray kaiming(NDManager m, int fanIn, int fanOut) {
        return randn(m, fanIn, fanOut).div(Torch.scalar(m, (float) Math.sqrt(fanIn)));
    }
}
