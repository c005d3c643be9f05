package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ninja.check.Cmp;
import ninja.check.Fingerprint;
import ninja.check.Graph;
import ninja.check.Reference;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.model.Config;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchReferenceTest {

    /** A configuration's parameters and first batch, drawn as the lecture draws them. */
    record Setup(Parameters p, Batch b) {
        static Setup of(String config) {
            Splits s = Splits.of(TestData.names(), 3);
            Config cfg = Config.named(config);
            TorchGenerator g = new TorchGenerator(cfg.seed());
            Parameters p = Parameters.init(cfg, s.vocab().size(), g);
            return new Setup(p, Batch.draw(s.train(), cfg.batchSize(), g));
        }
    }

    static final TorchReference TORCH = new TorchReference();

    /**
     * Gradients that are exactly zero in exact arithmetic, so both sides hold only rounding noise: b1 (batchnorm
     * subtracts the batch mean, cancelling any bias) and logit_maxes (softmax does not change under a shift).
     */
    static final java.util.Set<String> NOISE = java.util.Set.of("b1", "logit_maxes");

    @Test
    void notebookLossIsTheNotebooks() {
        Setup s = Setup.of("notebook");
        Reference.Result r = TORCH.compute(s.p(), s.b());
        // the notebook prints tensor(3.8279)
        assertThat(String.format("%.4f", r.loss())).isEqualTo("3.8279");
        assertThat(r.values().get("loss").item()).isEqualTo((float) r.loss());
        assertThat(Mlp.forward(s.p(), s.b()).get(Name.loss).item()).isCloseTo((float) r.loss(), within(1e-6f));
        assertThat(r.fingerprint()).isEqualTo(Fingerprint.of(s.p(), s.b()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"notebook", "lecture"})
    void shapesAreTheLecturesAndNoGradientIsSilentlyZero(String config) {
        Setup s = Setup.of(config);
        Reference.Result r = TORCH.compute(s.p(), s.b());
        Activations a = Mlp.forward(s.p(), s.b());
        Map<String, Tensor> params = s.p().byName();
        assertThat(r.grads().keySet()).containsExactlyElementsOf(Graph.EXERCISE1);
        assertThat(r.values().keySet()).containsExactlyElementsOf(a.byName().keySet());
        for (String name : Graph.EXERCISE1) {
            Tensor of = params.containsKey(name) ? params.get(name) : a.byName().get(name);
            Tensor grad = r.grads().get(name);
            assertThat(grad.shape()).as("shape of d%s", name).isEqualTo(of.shape());
            // DJL reads the gradient of a non-leaf as zeros: every one of these must carry signal
            assertThat(maxAbs(grad)).as("|d%s|", name).isGreaterThan(0f);
        }
        for (Map.Entry<String, Tensor> e : a.byName().entrySet()) {
            assertThat(r.values().get(e.getKey()).shape()).as(e.getKey()).isEqualTo(e.getValue().shape());
        }
    }

    /**
     * The lecture's check: our manual backward, run on the forward values torch computed (as the lecture's
     * manual backward runs on the same tensors as loss.backward()), against torch autograd, row by row.
     */
    @ParameterizedTest
    @ValueSource(strings = {"notebook", "lecture"})
    void manualBackwardMatchesAutogradOnEveryRow(String config) {
        Setup s = Setup.of(config);
        Reference.Result r = TORCH.compute(s.p(), s.b());
        for (Mlp.Mode mode : Mlp.Mode.values()) {
            Activations a = Mlp.forward(s.p(), s.b());
            r.values().forEach((name, t) -> a.set(Name.of(name), t));
            Grads g = Mlp.backward(s.p(), s.b(), a, mode, Grads.chained());
            List<Cmp.Row> rows = rows(g, r, mode);
            double max = rows.stream().mapToDouble(Cmp.Row::maxdiff).max().orElseThrow();
            System.out.printf("%s %s on torch's forward values: largest maxdiff %.3g%n", config, mode, max);
            for (Cmp.Row row : rows) {
                if (NOISE.contains(row.name())) {
                    // allclose's atol (1e-8) is below the float noise of a gradient whose exact value is 0
                    assertThat(row.problem()).as(row.name()).isNull();
                    assertThat(row.maxdiff()).as(row.format()).isLessThan(1e-7);
                } else {
                    assertThat(row.ok()).as(row.format()).isTrue();
                }
            }
        }
    }

    /** Our own forward and backward end to end: the forward's float rounding differs slightly from torch's. */
    @ParameterizedTest
    @ValueSource(strings = {"notebook", "lecture"})
    void ownForwardAndBackwardAgreeWithTorch(String config) {
        Setup s = Setup.of(config);
        Reference.Result r = TORCH.compute(s.p(), s.b());
        for (Mlp.Mode mode : Mlp.Mode.values()) {
            Activations a = Mlp.forward(s.p(), s.b());
            Grads g = Mlp.backward(s.p(), s.b(), a, mode, Grads.chained());
            List<Cmp.Row> rows = rows(g, r, mode);
            double max = rows.stream().mapToDouble(Cmp.Row::maxdiff).max().orElseThrow();
            System.out.printf("%s %s on our own forward: largest maxdiff %.3g%n", config, mode, max);
            for (Cmp.Row row : rows) {
                // forward values differ from torch's in the last bits, and dprobs = -1/(n*probs) amplifies that:
                // bound the difference relative to the gradient's size; a wrong formula is off by O(size)
                double size = maxAbs(r.grads().get(row.name()));
                assertThat(row.problem()).as(row.name()).isNull();
                assertThat(row.maxdiff()).as(row.format()).isLessThanOrEqualTo(1e-5 * size + 1e-7);
            }
        }
    }

    /** The rows a mode computes: the fused backward skips the atomic steps inside cross-entropy and batchnorm. */
    static List<Cmp.Row> rows(Grads g, Reference.Result r, Mlp.Mode mode) {
        List<Cmp.Row> rows = new ArrayList<>();
        for (String name : Graph.EXERCISE1) {
            if (g.get(Name.of(name)) != null || mode == Mlp.Mode.ATOMIC) {
                rows.add(Cmp.cmp(name, g.get(Name.of(name)), r.grads().get(name)));
            }
        }
        assertThat(rows.size()).isGreaterThanOrEqualTo(mode == Mlp.Mode.ATOMIC ? 26 : 13);
        return rows;
    }

    static float maxAbs(Tensor t) {
        float m = 0;
        for (float v : t.data()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
