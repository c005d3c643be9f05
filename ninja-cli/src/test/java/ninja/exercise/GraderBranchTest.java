package ninja.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import ninja.check.FiniteDifferences;
import org.junit.jupiter.api.Test;

/**
 * The mistakes the real upstream cannot show (dlogit_maxes is ~1e-9 there) are caught on random upstreams, and a
 * missing branch is named: the cases of issue 11, each graded not done with the real cause in its hint.
 */
class GraderBranchTest {
    private static final Duration FIVE_S = Duration.ofSeconds(5);

    static Grader.Report grade(String name, Map<String, String> bodies) throws Exception {
        Grader.Report r = Fixture.grade(Fixture.compile(name, Fixture.solutionWith(name, bodies)), FIVE_S);
        for (Grader.Row row : r.rows()) {
            Grader.Status expected = bodies.containsKey(row.step().method()) ? row.status() : Grader.Status.DONE;
            assertThat(row.status()).as(row.step().row() + ": " + row.hint()).isEqualTo(expected);
        }
        assertThat(r.allDone()).isFalse();
        return r;
    }

    @Test
    void missingBranchesAreNamed() throws Exception {
        Grader.Report r = grade("Branches", Map.of(
                "dlogits", "return dnorm_logits.copy();",
                "dlogit_maxes", "return zeros_like(a.logit_maxes);",
                "dcounts", "return Ops.mul(a.counts_sum_inv, dprobs);",
                "dbndiff", "return Ops.mul(a.bnvar_inv, dbnraw);",
                "dhprebn", "return dbndiff.copy();"));
        assertThat(Fixture.row(r, "dlogits").status()).isEqualTo(Grader.Status.RIGHT_HERE_ONLY);
        assertThat(Fixture.row(r, "dlogits").hint()).contains("the branch through logit_maxes is missing");
        assertThat(Fixture.row(r, "dlogit_maxes").status()).isEqualTo(Grader.Status.RIGHT_HERE_ONLY);
        assertThat(Fixture.row(r, "dlogit_maxes").hint()).contains("true value for this loss")
                .contains("not the chain rule of this step");
        for (String[] c : new String[][] {{"dcounts", "counts_sum"}, {"dbndiff", "bndiff2"}, {"dhprebn", "bnmeani"}}) {
            assertThat(Fixture.row(r, c[0]).status()).isEqualTo(Grader.Status.WRONG);
            assertThat(Fixture.row(r, c[0]).hint()).as(c[0]).contains("the branch through " + c[1] + " is missing");
        }
    }

    @Test
    void aShortcutThatIgnoresItsUpstreamIsRightHereOnly() throws Exception {
        Grader.Report r = grade("Shortcut", Map.of("dlogits", """
                Tensor counts = Ops.map(Ops.sub(a.logits, Ops.max1(a.logits, null)), x -> (float) Math.exp(x));
                Tensor dlogits = Ops.mul(counts, Ops.map(Ops.sum1(counts), x -> 1.0f / x));
                for (int i = 0; i < a.n; i++) {
                    dlogits.set(i, a.Yb[i], dlogits.get(i, a.Yb[i]) - 1.0f);
                }
                return Ops.mul(1.0f / a.n, dlogits);"""));
        assertThat(Fixture.row(r, "dlogits").status()).isEqualTo(Grader.Status.RIGHT_HERE_ONLY);
        assertThat(Fixture.row(r, "dlogits").hint()).contains("does not change with its upstream gradient")
                .contains("global shortcut");
    }

    @Test
    void aWrongLogitMaxesBranchIsRightHereOnly() throws Exception {
        // the branch at Yb instead of the argmax, times -5: invisible while dlogit_maxes is ~1e-9
        Grader.Report r = grade("WrongMaxBranch", Map.of("dlogits", """
                Tensor dlogits = dnorm_logits.copy();
                Tensor oneHot = zeros_like(a.logits);
                for (int i = 0; i < a.n; i++) {
                    oneHot.set(i, a.Yb[i], -5.0f);
                }
                Ops.addInto(dlogits, Ops.mul(oneHot, dlogit_maxes));
                return dlogits;"""));
        assertThat(Fixture.row(r, "dlogits").status()).isEqualTo(Grader.Status.RIGHT_HERE_ONLY);
        assertThat(Fixture.row(r, "dlogits").hint()).startsWith("right on the real upstream gradient only");
    }

    /** Finite differences are a full reference: every upstream complete (no NaN), every row done. */
    @Test
    void theSolutionGradesAllDoneAgainstFiniteDifferences() throws Exception {
        Class<?> c = Fixture.compile(ExerciseTemplate.SOLUTION_CLASS, ExerciseTemplate.solution());
        Grader.Report r = new Grader(ReferenceLoader.load("fd"), FIVE_S).grade(c, Fixture.P, Fixture.B);
        assertThat(r.rows()).allSatisfy(row -> assertThat(row.status()).as(row.step().row() + ": " + row.hint())
                .isEqualTo(Grader.Status.DONE));
        assertThat(r.reference()).isEqualTo("fd");
    }

    @Test
    void aTransposeIsNamedBeforeAnyView() throws Exception {
        Grader.Report r = grade("Transposed", Map.of("dW2", "return Ops.matmulAT(dlogits, a.h);",
                "dlogit_maxes", "return Ops.sum1(dnorm_logits);"));
        assertThat(Fixture.row(r, "dW2").hint()).contains("mine [27, 200], reference [200, 27]: transposed")
                .doesNotContain("view(...)");
        // a sign error where the reference is rounding noise: no pattern read from the noise
        Grader.Row max = Fixture.row(r, "dlogit_maxes");
        assertThat(max.status()).isNotEqualTo(Grader.Status.DONE);
        assertThat(max.hint()).doesNotContain("zero at").satisfiesAnyOf(
                h -> assertThat(h).contains("sign flipped"), h -> assertThat(h).contains("zero up to rounding"));

        Grader.Report viewed = grade("Viewed", Map.of("dW2", "return Ops.matmulAT(dlogits, a.h).view(200, 27);"));
        assertThat(Fixture.row(viewed, "dW2").hint()).contains("the reference transposed, then viewed");
    }
}
