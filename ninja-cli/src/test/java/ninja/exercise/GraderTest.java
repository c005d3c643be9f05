package ninja.exercise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import ninja.lecture.Activations;
import ninja.model.Mlp;
import ninja.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GraderTest {
    private static final Duration FIVE_S = Duration.ofSeconds(5);

    @Test
    void theSolutionGradesEveryRowDone() throws Exception {
        Class<?> c = Fixture.compile(ExerciseTemplate.SOLUTION_CLASS, ExerciseTemplate.solution());
        Grader.Report r = Fixture.grade(c, FIVE_S);
        GradeTable.lines(r).forEach(System.out::println);
        assertThat(r.rows()).hasSize(28);
        assertThat(r.rows()).allSatisfy(row -> assertThat(row.status()).as(row.step().row() + ": " + row.hint())
                .isEqualTo(Grader.Status.DONE));
        assertThat(r.allDone()).isTrue();
    }

    @Test
    void theFilesForwardPassIsTheModelsForwardPass() throws Exception {
        Class<?> c = Fixture.compile(ExerciseTemplate.EXERCISE_CLASS, ExerciseTemplate.exercise());
        Class<?> actsClass = c.getDeclaredClasses()[0];
        Object acts = actsClass.getDeclaredConstructor().newInstance();
        Map<String, Tensor> params = Fixture.P.byName();
        for (String name : params.keySet()) {
            if (!name.startsWith("bnmean") && !name.equals("bnstd")) {
                actsClass.getField(name).set(acts, params.get(name));
            }
        }
        actsClass.getField("n").setInt(acts, Fixture.B.n());
        actsClass.getField("block_size").setInt(acts, Fixture.B.blockSize());
        actsClass.getField("Xb").set(acts, Fixture.B.xb());
        actsClass.getField("Yb").set(acts, Fixture.B.yb());
        c.getMethod("forward", actsClass).invoke(null, acts);
        Activations ours = Mlp.forward(Fixture.P, Fixture.B);
        for (Map.Entry<String, Tensor> e : ours.byName().entrySet()) {
            Field f = actsClass.getField(e.getKey());
            Tensor theirs = (Tensor) f.get(acts);
            assertThat(theirs.shape()).as(e.getKey()).isEqualTo(e.getValue().shape());
            assertThat(theirs.data()).as(e.getKey()).isEqualTo(e.getValue().data());
        }
    }

    @Test
    void theBlankExerciseHasOnlyTheWorkedExampleDone() throws Exception {
        Class<?> c = Fixture.compile(ExerciseTemplate.EXERCISE_CLASS, ExerciseTemplate.exercise());
        Grader.Report r = Fixture.grade(c, FIVE_S);
        assertThat(Fixture.row(r, "dlogprobs").status()).isEqualTo(Grader.Status.DONE);
        assertThat(r.count(Grader.Status.NOT_WRITTEN)).isEqualTo(27);
        assertThat(Fixture.row(r, "dprobs").hint()).isEqualTo("return dprobs, shape [32, 27]");
        assertThat(r.allDone()).isFalse();
    }

    /** One file, one compile: every step is graded alone, so each deliberate mistake shows in its own row. */
    @Test
    void eachHintFiresOnItsWrongSolution() throws Exception {
        Map<String, String> wrong = Map.of(
                "dprobs", "return Ops.matmul(a.probs, dlogprobs);",
                "dcounts_sum", "return Ops.mul(Ops.map(a.counts_sum, x -> 1.0f / (x * x)), dcounts_sum_inv);",
                "dlogits", """
                        Tensor dlogits = zeros_like(a.logits);
                        int[] argmax = new int[a.n];
                        Ops.max1(a.logits, argmax);
                        for (int i = 0; i < a.n; i++) {
                            dlogits.set(i, argmax[i], dlogit_maxes.get(i, 0));
                        }
                        return dlogits;""",
                "db2", "return Ops.mul(1.0f / a.n, Ops.sum0(dlogits, false));",
                "dbnbias", "return dhpreact;",
                "dbndiff2", "return Ops.mul(Ops.mul(1.0f / a.n, ones_like(a.bndiff2)), dbnvar);",
                "dC", """
                        int e = a.C.dim(1);
                        Tensor dC = zeros_like(a.C);
                        for (int i = 0; i < a.n * a.block_size; i++) {
                            for (int c = 0; c < e; c++) {
                                dC.data()[a.Xb[i] * e + c] = demb.data()[i * e + c];
                            }
                        }
                        return dC;""",
                "dlogits_fast", """
                        Tensor counts = Ops.map(Ops.sub(a.logits, Ops.max1(a.logits, null)), x -> (float) Math.exp(x));
                        Tensor dlogits = Ops.mul(counts, Ops.map(Ops.sum1(counts), x -> 1.0f / x));
                        for (int i = 0; i < a.n; i++) {
                            dlogits.set(i, a.Yb[i], dlogits.get(i, a.Yb[i]) - 1.0f);
                        }
                        return dlogits;""");
        String source = Fixture.solutionWith("Wrong", wrong);
        Grader.Report r = Fixture.grade(Fixture.compile("Wrong", source), FIVE_S);
        GradeTable.lines(r).forEach(System.out::println);

        for (Grader.Row row : r.rows()) {
            Grader.Status expected = wrong.containsKey(row.step().method()) ? Grader.Status.WRONG : Grader.Status.DONE;
            assertThat(row.status()).as(row.step().row() + ": " + row.hint()).isEqualTo(expected);
        }
        int line = lineOf(source, "return Ops.matmul(a.probs, dlogprobs);");
        assertThat(Fixture.row(r, "dprobs").hint()).startsWith("computing dprobs: IllegalArgumentException: matmul")
                .endsWith("(line " + line + ")");
        assertThat(Fixture.row(r, "dcounts_sum").hint()).startsWith("sign flipped");
        assertThat(Fixture.row(r, "dlogits").hint()).contains("the branch through norm_logits is missing");
        assertThat(Fixture.row(r, "db2").hint()).startsWith("off by a factor of 1/n = 1/32");
        assertThat(Fixture.row(r, "dbnbias").hint())
                .isEqualTo("shape mismatch: mine [32, 200], reference [1, 200]: missing sum over a broadcast dimension "
                        + "(dim 0: Ops.sum0(x, true))");
        assertThat(Fixture.row(r, "dbndiff2").hint()).startsWith("off by a factor (n-1)/n").contains("Bessel");
        assertThat(Fixture.row(r, "dC").hint()).startsWith("only the rows of repeated indices are wrong")
                .contains("scatter-add");
        assertThat(Fixture.row(r, "dlogits_fast").hint()).startsWith("off by a factor of n = 32");
        assertThat(r.allDone()).isFalse();
    }

    @Test
    void aStepThatNeverReturnsIsStoppedAndTheRestSkipped() throws Exception {
        String prop = "ninja.exercise.test.release." + System.nanoTime();
        // an infinite loop that ignores interrupts; the property lets the test end the thread afterwards
        String source = Fixture.solutionWith("Stuck", Map.of("dcounts_sum",
                "while (System.getProperty(\"" + prop + "\") == null) { }\nreturn null;"));
        try {
            Grader.Report r = Fixture.grade(Fixture.compile("Stuck", source), Duration.ofMillis(300));
            assertThat(Fixture.row(r, "dcounts_sum_inv").status()).isEqualTo(Grader.Status.DONE);
            assertThat(Fixture.row(r, "dcounts_sum").status()).isEqualTo(Grader.Status.WRONG);
            assertThat(Fixture.row(r, "dcounts_sum").hint()).startsWith("still running after 300 ms: an infinite loop?");
            assertThat(Fixture.row(r, "dcounts").status()).isEqualTo(Grader.Status.SKIPPED);
            assertThat(Fixture.row(r, "dhprebn_fast").status()).isEqualTo(Grader.Status.SKIPPED);
            assertThat(r.stopped()).isEqualTo("dcounts_sum did not finish within 300 ms (an infinite loop?)");
        } finally {
            System.setProperty(prop, "stop");
        }
    }

    @Test
    void aCompileErrorNamesFileLineAndMessage() {
        String source = Fixture.solutionWith("Broken", Map.of("dh", "return Ops.matmulBT(dlogits, a.W3);"));
        int line = lineOf(source, "a.W3");
        assertThatThrownBy(() -> Fixture.compile("Broken", source))
                .isInstanceOfSatisfying(LearnerCompiler.CompileError.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0).format())
                            .startsWith("Broken.java:" + line + ": error: cannot find symbol")
                            .contains("symbol: variable W3");
                    // the line itself, and a caret under the column javac points at
                    String[] shown = e.problems().get(0).format().split("\n");
                    assertThat(shown[1]).contains("return Ops.matmulBT(dlogits, a.W3);");
                    assertThat(shown[2].indexOf('^')).isEqualTo(shown[1].indexOf(".W3")); // javac points at the member select
                });
    }

    @Test
    void pytorchSpellingsGetTheirJavaInTheCompileError() {
        Map<String, String> slips = Map.of(
                "return Ops.matmul(dlogits, a.W2.T);", "Ops.matmulBT(a, b)",
                "return a.bndiff ** 2;", "Ops.mul(x, x)",
                "return dlogits @ a.W2;", "Ops.matmul(a, b)",
                "return a.h.sum(0, keepdim=true);", "Ops.sum0(x, true)");
        slips.forEach((body, java) -> assertThatThrownBy(() -> Fixture.compile("Slip",
                Fixture.solutionWith("Slip", Map.of("dh", body))))
                .isInstanceOfSatisfying(LearnerCompiler.CompileError.class, e -> assertThat(
                        e.problems().stream().map(LearnerCompiler.Problem::hint).filter(h -> h != null).toList())
                        .as(body).isNotEmpty().allSatisfy(h -> assertThat(h).contains(java))));
    }

    private static int lineOf(String source, String text) {
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in the source");
    }
}
