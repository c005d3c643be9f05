package ninja.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;

/** The layer check's verdict: passes the hand-written backward, fails a reference that a real mistake would give. */
class LayerCheckTest {
    static final WaveNetConfig CFG = new WaveNetConfig(5, 7, 4, 6, 3);

    static Sequential model;
    static Batch batch;

    static synchronized void setUp() {
        if (model == null) {
            Splits s = Splits.of(TestData.names(), CFG.blockSize());
            TorchGenerator g = new TorchGenerator(CFG.seed());
            model = WaveNet.build(CFG, s.vocab().size(), g);
            batch = Batch.draw(s.train(), CFG.batchSize(), g);
        }
    }

    /** Finite differences with one gradient changed as a mistake in our backward would change ours. */
    static LayerReference planted(String name, java.util.function.UnaryOperator<float[]> mistake) {
        LayerReference fd = new LayerFiniteDifferences(Integer.MAX_VALUE);
        return new LayerReference() {
            @Override
            public String name() {
                return "fd-planted";
            }

            @Override
            public LayerGradients compute(Sequential m, Batch b) {
                LayerGradients g = fd.compute(m, b);
                Map<Param, Tensor> params = new LinkedHashMap<>(g.params());
                List<Tensor> outs = new ArrayList<>(g.outputs());
                params.replaceAll((p, t) -> p.name().equals(name) ? Tensor.of(mistake.apply(t.data().clone()), t.shape()) : t);
                for (int i = 0; i < outs.size(); i++) {
                    if (("layers." + i + ".out").equals(name)) {
                        outs.set(i, Tensor.of(mistake.apply(outs.get(i).data().clone()), outs.get(i).shape()));
                    }
                }
                return new LayerGradients(g.loss(), outs, params, g.sampled());
            }
        };
    }

    @Test
    void theHandWrittenBackwardPassesEveryRow() {
        setUp();
        LayerCheck.Report r = LayerCheck.run(model, batch, new LayerFiniteDifferences(Integer.MAX_VALUE));
        assertThat(r.failed()).isEmpty();
        assertThat(r.rows()).hasSize(10 + 9);
    }

    @Test
    void mistakesFailTheirRow() {
        setUp();
        float bessel = (CFG.batchSize() * 2 - 1f) / (CFG.batchSize() * 2);   // n = B*T = 12 rows at the first level
        Object[][] cases = {
            {"layers.3.gamma", (java.util.function.UnaryOperator<float[]>) x -> scale(x, bessel)},
            {"layers.2.out", (java.util.function.UnaryOperator<float[]>) x -> scale(x, -1f)},
            {"layers.0.weight", (java.util.function.UnaryOperator<float[]>) x -> { x[7] += 0.01f * max(x); return x; }},
            {"layers.6.weight", (java.util.function.UnaryOperator<float[]>) x -> scale(x, 0.5f)},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            LayerCheck.Report r = LayerCheck.run(model, batch,
                    planted((String) c[0], (java.util.function.UnaryOperator<float[]>) c[1]));
            assertThat(r.failed()).as((String) c[0]).containsExactly((String) c[0]);
        }
    }

    static float[] scale(float[] x, float s) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= s;
        }
        return x;
    }

    static float max(float[] x) {
        float m = 0;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
