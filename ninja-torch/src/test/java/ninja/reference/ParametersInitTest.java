package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Parameters#init} against the lecture's initialisation cell run with torch ops, bit for bit. */
class ParametersInitTest {
    static final int VOCAB = 27;

    @ParameterizedTest
    @ValueSource(strings = {"notebook", "lecture"})
    void initEqualsTorchBitForBit(String name) {
        Config cfg = Config.named(name);
        Parameters mine = Parameters.init(cfg, VOCAB, new TorchGenerator(cfg.seed()));
        try (NDManager m = Torch.newManager()) {
            Map<String, NDArray> torch = torchInit(m, cfg);
            Map<String, Tensor> ours = mine.byName();
            for (String p : Parameters.NAMES) {
                Tensor t = Torch.toTensor(torch.get(p));
                assertThat(ours.get(p).shape()).as(p).isEqualTo(t.shape());
                assertThat(bits(ours.get(p).data())).as("%s of config %s", p, name).isEqualTo(bits(t.data()));
            }
        }
    }

    /** The cell, with torch's global generator seeded as g: Python floats meet float32 tensors as float32. */
    static Map<String, NDArray> torchInit(NDManager m, Config cfg) {
        int e = cfg.nEmbd(), h = cfg.nHidden(), fanIn = cfg.fanIn();
        Torch.manualSeed(cfg.seed());
        NDArray tenth = Torch.scalar(m, 0.1f);
        NDArray one = Torch.scalar(m, 1.0f);
        NDArray c = randn(m, VOCAB, e);
        // W1 = randn(...) * (5/3) / ((n_embd*block_size)**0.5): left to right, one rounding each
        NDArray w1 = randn(m, fanIn, h).mul(Torch.scalar(m, (float) (5.0 / 3.0)))
                .div(Torch.scalar(m, (float) Math.pow(fanIn, 0.5)));
        NDArray b1 = randn(m, h).mul(tenth);
        NDArray w2 = randn(m, h, VOCAB).mul(tenth);
        NDArray b2 = randn(m, VOCAB).mul(tenth);
        NDArray bngain;
        NDArray bnbias;
        if (cfg.bnInit() == Config.BnInit.RANDN) {
            bngain = randn(m, 1, h).mul(tenth).add(one);
            bnbias = randn(m, 1, h).mul(tenth);
        } else {
            bngain = m.ones(new Shape(1, h)).mul(tenth).add(one);
            bnbias = m.zeros(new Shape(1, h)).mul(tenth);
        }
        return Map.of("C", c, "W1", w1, "b1", b1, "W2", w2, "b2", b2, "bngain", bngain, "bnbias", bnbias);
    }

    static NDArray randn(NDManager m, long... shape) {
        return m.randomNormal(0f, 1f, new Shape(shape), DataType.FLOAT32);
    }

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
