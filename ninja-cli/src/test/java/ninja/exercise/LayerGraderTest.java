package ninja.exercise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * Exercise 5's grading against libtorch: the untouched file is all "not written yet", the solution all done, and
 * each planted mistake is the row it belongs to, with the hint for it.
 */
class LayerGraderTest {
    static final LayerCases.Cases CASES = LayerCases.wavenet(TestData.names());
    static final LayerGrader TORCH = LayerGrader.of("torch", Duration.ofSeconds(20));

    static Grader.Report grade(String className, String source) throws LearnerCompiler.CompileError {
        return TORCH.grade(Fixture.compile(className, source), CASES, RowFilter.all());
    }

    static Grader.Report solutionWith(String className, Map<String, String> bodies) throws LearnerCompiler.CompileError {
        return grade(className, ExerciseTemplate.renderLayers(className, true, bodies));
    }

    /** The solution's body of one method, to plant a mistake in by replacing a piece of it. */
    static String solutionBody(String method) {
        String t = ExerciseTemplate.layersSolution();
        int from = t.indexOf('\n', t.indexOf(" " + method + "(")) + 1;
        return t.substring(from, t.indexOf("\n    }\n", from));
    }

    static Grader.Row row(Grader.Report r, String name) {
        return r.rows().stream().filter(x -> x.step().row().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theUntouchedFileIsEveryLayerNotWrittenYet() throws Exception {
        Grader.Report r = grade(ExerciseTemplate.LAYERS_CLASS, ExerciseTemplate.layers());
        assertThat(r.rows()).hasSize(19);
        assertThat(r.rows()).allMatch(x -> x.status() == Grader.Status.NOT_WRITTEN);
        assertThat(r.rows().stream().map(x -> x.step().row().split(" ")[0]).distinct()).containsExactly(
                "cross_entropy", "linear_bias", "tanh_2d", "batchnorm_2d", "linear_2d", "flatten_2d", "tanh_3d",
                "batchnorm_3d", "linear_3d", "flatten_3d", "embedding");
        assertThat(row(r, "linear_3d dweight").hint()).contains("[48, 128]").contains("linearBackward");
        assertThat(r.allDone()).isFalse();
    }

    @Test
    void theSolutionIsAllDoneAgainstTorch() throws Exception {
        Grader.Report r = grade(ExerciseTemplate.LAYERS_SOLUTION_CLASS, ExerciseTemplate.layersSolution());
        assertThat(r.rows()).allSatisfy(x -> assertThat(x.status()).as(x.step().row()).isEqualTo(Grader.Status.DONE));
        assertThat(r.allDone()).isTrue();
        assertThat(GradeTable.lines(r).get(0)).startsWith("-- Exercise 5");
    }

    @Test
    void aTransposedWeightGradientIsItsRowWithTheTransposeHint() throws Exception {
        Grader.Report r = solutionWith("LayersT", Map.of("linearBackward", """
                int rows = x.numel() / weight.dim(0);
                Tensor x2 = x.view(rows, -1), dout2 = dout.view(rows, -1);
                Tensor dbias = bias == null ? null : Ops.sum0(dout2, false);
                return new LinearGrads(Ops.matmulBT(dout2, weight).view(x.shape()), Ops.matmulAT(dout2, x2), dbias);
                """));
        for (String layer : List.of("linear_bias", "linear_2d", "linear_3d")) {
            assertThat(row(r, layer + " dweight").status()).isEqualTo(Grader.Status.WRONG);
            assertThat(row(r, layer + " dweight").hint()).contains("transposed");
            assertThat(row(r, layer + " dx").status()).isEqualTo(Grader.Status.DONE);
        }
        assertThat(row(r, "linear_bias dbias").status()).isEqualTo(Grader.Status.DONE);
        assertThat(r.count(Grader.Status.DONE)).isEqualTo(16);
    }

    @Test
    void anEmbeddingThatAssignsInsteadOfAddingIsTheScatterAddHint() throws Exception {
        Grader.Report r = solutionWith("LayersE", Map.of("embeddingBackward", """
                Tensor dweight = Tensor.zeros(weight.shape());
                int e = weight.dim(1);
                for (int i = 0; i < IX.length; i++) {
                    System.arraycopy(dout.data(), i * e, dweight.data(), IX[i] * e, e);
                }
                return dweight;
                """));
        assertThat(row(r, "embedding dweight").status()).isEqualTo(Grader.Status.WRONG);
        assertThat(row(r, "embedding dweight").hint()).contains("accumulate with +=");
    }

    @Test
    void aMissingSumOverRowsAndAFlippedSignAreNamed() throws Exception {
        Grader.Report r = solutionWith("LayersB", Map.of("batchNormBackward", solutionBody("batchNormBackward")
                .replace("dgamma, dbeta);", "dgamma, dout2);"), "tanhBackward", "return Ops.neg(Ops.mul(Ops.sub(1f, Ops.mul(out, out)), dout));"));
        assertThat(row(r, "batchnorm_2d dbeta").status()).isEqualTo(Grader.Status.WRONG);
        assertThat(row(r, "batchnorm_2d dbeta").hint()).contains("missing sum over a broadcast dimension");
        assertThat(row(r, "batchnorm_2d dx").status()).isEqualTo(Grader.Status.DONE);
        assertThat(row(r, "tanh_3d dx").hint()).contains("sign flipped");
    }

    @Test
    void aCrossEntropyThatIgnoresDlossIsRightOnTheRealUpstreamOnly() throws Exception {
        Grader.Report r = solutionWith("LayersC", Map.of("crossEntropyBackward", """
                int n = logits.dim(0);
                Tensor counts = Ops.exp(Ops.sub(logits, Ops.max1(logits, null)));
                Tensor probs = Ops.div(counts, Ops.sum1(counts, true));
                return Ops.mul(1f / n, Ops.sub(probs, Ops.oneHot(Y, logits.dim(1))));
                """));
        Grader.Row ce = row(r, "cross_entropy dlogits");
        assertThat(ce.status()).isEqualTo(Grader.Status.RIGHT_HERE_ONLY);
        assertThat(ce.hint()).contains("does not change with dloss");
        assertThat(r.allDone()).isFalse();
    }

    @Test
    void onlyNamesLayersRowsOrMethods() {
        List<Step> rows = LayerGrader.rows(CASES);
        assertThat(rows.stream().filter(RowFilter.of(List.of("linear_3d"), rows, "")).map(Step::row))
                .containsExactly("linear_3d dx", "linear_3d dweight");
        assertThat(rows.stream().filter(RowFilter.of(List.of("batchNormBackward"), rows, "")).count()).isEqualTo(6);
        assertThat(rows.stream().filter(RowFilter.of(List.of("embedding dweight"), rows, "")).count()).isEqualTo(1);
        assertThatThrownBy(() -> RowFilter.of(List.of("linear"), rows, "linearBackward"))
                .hasMessageContaining("no row named 'linear'").hasMessageContaining("linear_3d dweight");
    }
}
