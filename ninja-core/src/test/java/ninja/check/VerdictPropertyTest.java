package ninja.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BiConsumer;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.model.Config;
import ninja.model.Mlp;
import ninja.tensor.Ops;
import ninja.tensor.Tensor;

/**
 * The verdict is sound in both directions, over random shapes and seeds, tiny batches included (batchnorm at
 * batch 2 is a difference of nearly equal numbers, dlogit_maxes is rounding noise everywhere): the correct backward
 * passes every row against float64 finite differences, and each planted mistake fails its row.
 *
 * <p>The truth is finite differences back-propagated through single steps (complete intermediates): at batch 2
 * with two equal rows bnvar is 0 and the loss bends on the scale sqrt(1e-5) of bndiff, where differencing the
 * whole loss with a step relative to |bnmeani| was off by 2e-4 relative (batch 2, hidden 2, block 1, embd 1,
 * alphabet 3, seed 2); the single-step differences agree with float32 to 3e-7 there.
 */
class VerdictPropertyTest {

    /** Planted mistakes, each computed from our own upstream gradients and forward values. */
    enum Mutation {
        BESSEL("bndiff2", (a, g) -> g.put(Name.bndiff2, Ops.mul(Ops.mul(1f / a.get(Name.bndiff).dim(0),
                Tensor.full(1f, a.get(Name.bndiff).shape())), g.up(Name.bnvar)))),
        NO_BNDIFF2_BRANCH("bndiff", (a, g) -> g.put(Name.bndiff, Ops.mul(a.get(Name.bnvar_inv), g.up(Name.bnraw)))),
        NO_BNMEANI_BRANCH("hprebn", (a, g) -> g.put(Name.hprebn, g.up(Name.bndiff).copy())),
        NO_COUNTS_SUM_BRANCH("counts", (a, g) -> g.put(Name.counts, Ops.mul(a.get(Name.counts_sum_inv), g.up(Name.probs)))),
        SIGN("h", (a, g) -> g.put(Name.h, Ops.mul(-1f, g.get(Name.h)))),
        MISSING_1_OVER_N("logprobs", (a, g) -> g.put(Name.logprobs, Ops.mul(a.get(Name.bndiff).dim(0), g.get(Name.logprobs)))),
        TRANSPOSE_VIEWED("W2", (a, g) -> g.put(Name.W2,
                Ops.matmulAT(g.up(Name.logits), a.get(Name.h)).view(a.get(Name.h).dim(1), a.get(Name.logits).dim(1)))),
        NO_SCATTER_ADD("C", (a, g) -> { }); // planted in plant(): needs the batch

        final String row;
        final BiConsumer<Activations, Grads> plant;

        Mutation(String row, BiConsumer<Activations, Grads> plant) {
            this.row = row;
            this.plant = plant;
        }
    }

    static Synthetic model(int batch, int hidden, int block, int embd, int alphabet, int seed) {
        return Synthetic.of(alphabet, embd, hidden, block, batch, seed,
                seed % 2 == 0 ? Config.BnInit.RANDN : Config.BnInit.CONSTANT);
    }

    @Property(tries = 25, seed = "20261201")
    void correctBackwardPassesEveryRow(@ForAll @IntRange(min = 2, max = 48) int batch,
            @ForAll @IntRange(min = 1, max = 96) int hidden, @ForAll @IntRange(min = 1, max = 8) int block,
            @ForAll @IntRange(min = 1, max = 8) int embd, @ForAll @IntRange(min = 2, max = 8) int alphabet,
            @ForAll @IntRange(min = 1, max = 1000) int seed) {
        Synthetic s = model(batch, hidden, block, embd, alphabet, seed);
        Reference.Result fd = new FiniteDifferences(16, true).compute(s.p(), s.b());
        GradientCheck.Report r = GradientCheck.compare(s.p(), s.b(), fd, "fd", false);
        assertThat(r.rows().stream().filter(x -> !x.ok()).map(GradientCheck.Row::format)).isEmpty();
    }

    @Property(tries = 40, seed = "20261202")
    void plantedMistakeFailsItsRow(@ForAll Mutation m, @ForAll @IntRange(min = 2, max = 48) int batch,
            @ForAll @IntRange(min = 2, max = 64) int hidden, @ForAll @IntRange(min = 1, max = 6) int block,
            @ForAll @IntRange(min = 1, max = 6) int embd, @ForAll @IntRange(min = 1, max = 1000) int seed) {
        Synthetic s = model(batch, hidden, block, embd, 6, seed);
        Assume.that(m != Mutation.NO_SCATTER_ADD || java.util.Arrays.stream(s.b().xb()).distinct().count() < s.b().xb().length);
        Activations a = Mlp.forward(s.p(), s.b());
        Reference.Result fd = new FiniteDifferences(16, true).compute(s.p(), s.b());
        GradientCheck.Report r = GradientCheck.compare(s.p(), s.b(), fd, "fd", false, g -> plant(m, s, a, g));
        GradientCheck.Row row = r.rows().stream().filter(x -> x.name().equals(m.row)).findFirst().orElseThrow();
        assertThat(row.ok()).as(row.format()).isFalse();
    }

    static void plant(Mutation m, Synthetic s, Activations a, Grads g) {
        if (m != Mutation.NO_SCATTER_ADD) {
            m.plant.accept(a, g);
            return;
        }
        int e = s.p().nEmbd();
        int[] xb = s.b().xb();
        Tensor dC = Tensor.zeros(s.p().C.shape());
        float[] demb = g.up(Name.emb).data();
        for (int i = 0; i < xb.length; i++) {
            System.arraycopy(demb, i * e, dC.data(), xb[i] * e, e); // dC[Xb[k, j]] = demb[k, j]: assigned
        }
        g.put(Name.C, dC);
    }
}
