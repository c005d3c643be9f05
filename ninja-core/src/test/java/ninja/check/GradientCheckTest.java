package ninja.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import ninja.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradientCheckTest {
    final Synthetic s = Synthetic.small();
    final Reference.Result fd = new FiniteDifferences().compute(s.p(), s.b());

    Reference.Result withGrads(Map<String, Tensor> grads) {
        return new Reference.Result(fd.values(), grads, fd.loss(), fd.fingerprint(), fd.sampled());
    }

    @Test
    void rowsAreTheLecturesOrderThenTheFusedOnes() {
        GradientCheck.Report r = GradientCheck.compare(s.p(), s.b(), fd, "fd", false);
        assertThat(r.rows().subList(0, 26)).extracting(GradientCheck.Row::name).isEqualTo(Graph.EXERCISE1);
        assertThat(r.rows().subList(26, 30)).extracting(GradientCheck.Row::name)
                .containsExactly("logits (fused)", "hprebn (fused)", "bngain (fused)", "bnbias (fused)");
        assertThat(r.loss()).isCloseTo(r.referenceLoss(), org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void missingReferenceGradientFailsItsRow() {
        Map<String, Tensor> g = new LinkedHashMap<>(fd.grads());
        g.remove("W1");
        GradientCheck.Report r = GradientCheck.compare(s.p(), s.b(), withGrads(g), "fd", false);
        assertThat(r.failed()).contains("W1");
        assertThat(FiniteDifferencesPropertyTest.notClose(r, fd, 8)).singleElement().asString().startsWith("W1 ");
        assertThat(r.rows().get(22).format()).contains("no reference gradient for W1");
    }

    @Test
    void shapeMismatchFailsItsRowNamingBothShapes() {
        Map<String, Tensor> g = new LinkedHashMap<>(fd.grads());
        g.put("b1", g.get("b1").view(1, 12));
        GradientCheck.Report r = GradientCheck.compare(s.p(), s.b(), withGrads(g), "fd", false);
        assertThat(r.failed()).contains("b1");
        assertThat(FiniteDifferencesPropertyTest.notClose(r, fd, 8)).singleElement().asString().startsWith("b1 ");
        assertThat(r.rows().get(23).cmp().problem()).isEqualTo("shape mismatch: mine [12], reference [1, 12]");
    }

    @Test
    void referenceFromOtherParametersOrBatchIsAnError() {
        Synthetic other = Synthetic.of(5, 3, 12, 3, 8, 8, ninja.model.Config.BnInit.RANDN);
        assertThatThrownBy(() -> GradientCheck.compare(other.p(), s.b(), fd, "fd", false))
                .isInstanceOf(GradientCheck.ReferenceMismatch.class).hasMessageContaining("different parameter values");
        assertThatThrownBy(() -> GradientCheck.compare(s.p(), other.b(), fd, "fd", false))
                .isInstanceOf(GradientCheck.ReferenceMismatch.class).hasMessageContaining("different batch");
    }

    @Test
    void localModeNeedsCompleteUpstreamGradients() {
        Reference.Result sampled = new FiniteDifferences(4, false).compute(s.p(), s.b());
        assertThatThrownBy(() -> GradientCheck.compare(s.p(), s.b(), sampled, "fd", true))
                .isInstanceOf(GradientCheck.ReferenceMismatch.class).hasMessageContaining("every element");
        Map<String, Tensor> g = new LinkedHashMap<>(fd.grads());
        g.remove("h");
        assertThatThrownBy(() -> GradientCheck.compare(s.p(), s.b(), withGrads(g), "fd", true))
                .isInstanceOf(GradientCheck.ReferenceMismatch.class).hasMessageContaining("gradient of 'h'");
    }

    @Test
    void sampledElementsAreNamedAndTheRestAreNaN() {
        Reference.Result r = new FiniteDifferences(4, false).compute(s.p(), s.b());
        int[] idx = r.sampledIndices("W1");
        assertThat(idx).hasSize(4).isSorted();
        long nan = 0;
        for (float v : r.grads().get("W1").data()) {
            nan += Float.isNaN(v) ? 1 : 0;
        }
        assertThat(nan).isEqualTo(r.grads().get("W1").numel() - 4);
    }
}
