package ninja.model;

import java.util.ArrayList;
import java.util.List;
import ninja.nn.BatchNorm1d;
import ninja.nn.Embedding;
import ninja.nn.FlattenConsecutive;
import ninja.nn.Layer;
import ninja.nn.Linear;
import ninja.nn.Sequential;
import ninja.nn.Tanh;
import ninja.rng.TorchGenerator;

/**
 * makemore part 5's WaveNet, as its notebook builds it after {@code torch.manual_seed(42)}:
 * <pre>
 * Embedding(27, 24)                                                    [B, 8, 24]
 * FlattenConsecutive(2), Linear(48, 128, bias=False), BatchNorm1d(128), Tanh()    [B, 4, 128]
 * FlattenConsecutive(2), Linear(256, 128, bias=False), BatchNorm1d(128), Tanh()   [B, 2, 128]
 * FlattenConsecutive(2), Linear(256, 128, bias=False), BatchNorm1d(128), Tanh()   [B, 128]
 * Linear(128, 27)                      (weight *= 0.1: "last layer make less confident")   [B, 27]
 * </pre>
 * 76,579 parameters. A block of 2^k characters gets k levels.
 */
public final class WaveNet {
    private WaveNet() {
    }

    /** The layers, each drawing its initial weights from g in the notebook's order. */
    public static Sequential build(WaveNetConfig cfg, int vocabSize, TorchGenerator g) {
        int e = cfg.nEmbd(), h = cfg.nHidden();
        List<Layer> layers = new ArrayList<>();
        layers.add(new Embedding(vocabSize, e, g));
        for (int level = 0, width = e; level < cfg.levels(); level++, width = h) {
            layers.add(new FlattenConsecutive(2));
            layers.add(new Linear(width * 2, h, false, g));
            layers.add(new BatchNorm1d(h));
            layers.add(new Tanh());
        }
        // (its plans keep the weight as it is: so kept, a 200,000-step run prints the notebook's train 1.7690, val 1.9937
        // and its 20 samples; a transposed copy would round the logits differently)
        Linear last = new Linear(h, vocabSize, true, g);
        float[] w = last.weight.value.data();
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] * 0.1f;                                  // model.layers[-1].weight *= 0.1
        }
        layers.add(last);
        return new Sequential(layers);
    }
}
