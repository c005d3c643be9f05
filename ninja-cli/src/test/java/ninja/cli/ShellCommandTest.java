package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ./ninja shell with a script on standard input: the notebook's state by its lecture names, and cmp. */
class ShellCommandTest {

    @AfterEach
    void restoreStdin() {
        ShellCommand.stdin = System.in;
    }

    static CliRun shell(String script) {
        ShellCommand.stdin = new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8));
        return CliRun.run("shell", "--batch", "8", "--data", CliRun.data());
    }

    @Test
    void aScriptComputesTheLecturesFirstGradientsAndComparesThem() {
        CliRun r = shell("""
                Tensor dlogprobs = mul(-1f / n, oneHot(Yb, 27));
                cmp("logprobs", dlogprobs, dlogprobs_ref);
                Tensor dprobs = mul(pow(probs, -1),
                                    dlogprobs);
                cmp("probs", dprobs);
                cmp("probs (wrong)", mul(probs, dlogprobs), dprobs_ref);
                hprebn.shapeString()
                System.out.println(bnvar_inv.rank() + " " + dhprebn_ref.shapeString() + " " + Xb.length);
                """);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("logprobs        | exact: true  | approximate: true  | maxdiff: 0.0")
                .contains("probs           | exact: true  | approximate: true  | maxdiff: 0.0")
                .containsPattern("probs \\(wrong\\)   \\| exact: false \\| approximate: false \\| maxdiff: [0-9.E-]+")
                .contains("\"[8, 200]\"").contains("2 [8, 200] 24");
    }

    @Test
    void aBrokenLineIsReportedWithItsLineAndTheRestStillRuns() {
        CliRun r = shell("int x = ;\nprobs.get(0, 27);\nSystem.out.println(\"still here\");\n");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("line 1: error: illegal start of expression")
                .contains("line 2: java.lang.IndexOutOfBoundsException: index 27 is out of bounds for dimension 1");
        assertThat(r.out()).contains("still here");
    }
}
