package ninja.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.tensor.Ops;
import ninja.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deliberately wrong backward steps, planted in local mode (each step fed the reference's upstream gradient),
 * must fail their row against finite differences, while the correct step passes.
 */
class MutationTest {
    static Synthetic s;
    static Reference.Result fd;

    @BeforeAll
    static void setUp() {
        s = Synthetic.of(5, 3, 12, 3, 8, 7, ninja.model.Config.BnInit.RANDN);
        fd = FiniteDifferences.everyElement().compute(s.p(), s.b());
    }

    static GradientCheck.Row row(String name, Consumer<Grads> tamper) {
        GradientCheck.Report r = GradientCheck.compare(s.p(), s.b(), fd, "fd", true, tamper);
        return r.rows().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void unmutatedLocalRowsAllPass() {
        GradientCheck.Report r = GradientCheck.compare(s.p(), s.b(), fd, "fd", true);
        assertThat(FiniteDifferencesPropertyTest.notClose(r, fd, 8)).isEmpty();
    }

    @Test
    void besselMissingInBnvarBackwardIsCaught() {
        int n = s.b().n();
        // dbndiff2 = 1/n * dbnvar instead of 1/(n-1) * dbnvar
        GradientCheck.Row r = row("bndiff2", g -> g.put(Name.bndiff2,
                Ops.mul(Ops.mul(1.0f / n, Tensor.full(1f, n, s.p().nHidden())), g.up(Name.bnvar))));
        assertThat(r.ok()).isFalse();
        assertThat(r.cmp().maxdiff()).isGreaterThan(1e-6);
    }

    @Test
    void dbnmeaniWithoutTheBroadcastSumIsCaught() {
        // dbnmeani = -dbndiff (shape [n, H]) or summed without keepdim ([H]) instead of [1, H]
        GradientCheck.Row full = row("bnmeani", g -> g.put(Name.bnmeani, Ops.mul(-1f, g.up(Name.bndiff))));
        assertThat(full.ok()).isFalse();
        assertThat(full.cmp().problem()).contains("[8, 12]").contains("[1, 12]");
        GradientCheck.Row flat = row("bnmeani", g -> g.put(Name.bnmeani, Ops.mul(-1f, Ops.sum0(g.up(Name.bndiff), false))));
        assertThat(flat.ok()).isFalse();
        assertThat(flat.cmp().problem()).contains("mine [12]").contains("reference [1, 12]");
    }

    @Test
    void forgottenDlogitMaxesIsCaught() {
        GradientCheck.Row r = row("logit_maxes", g -> g.all().remove(Name.logit_maxes));
        assertThat(r.ok()).isFalse();
        assertThat(r.cmp().problem()).contains("no gradient computed for logit_maxes");
    }

    @Test
    void dCWithoutScatterAddIsCaught() {
        int e = s.p().nEmbd();
        int[] xb = s.b().xb();
        // dC[Xb[k,j]] = demb[k,j]: assignment, so a repeated character keeps only its last gradient
        GradientCheck.Row r = row("C", g -> {
            Tensor dC = Tensor.zeros(s.p().C.shape());
            float[] demb = g.up(Name.emb).data();
            for (int i = 0; i < xb.length; i++) {
                System.arraycopy(demb, i * e, dC.data(), xb[i] * e, e);
            }
            g.put(Name.C, dC);
        });
        assertThat(r.ok()).isFalse();
        assertThat(r.cmp().maxdiff()).isGreaterThan(1e-6);
    }
}
