package ninja.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.lecture.Name;
import org.junit.jupiter.api.Test;

/**
 * The tables {@link Name} derives from its graph, against the lecture's text as written (shared/reference's
 * makemore_part4_backprop_cells.py), not against anything computed from Name.
 */
class NameTest {
    /** The lecture's Exercise 1 check cell, its cmp lines in order. */
    static final List<String> LECTURE_CMP = List.of("logprobs", "probs", "counts_sum_inv", "counts_sum", "counts",
            "norm_logits", "logit_maxes", "logits", "h", "W2", "b2", "hpreact", "bngain", "bnbias", "bnraw",
            "bnvar_inv", "bnvar", "bndiff2", "bndiff", "bnmeani", "hprebn", "embcat", "W1", "b1", "emb", "C");

    /** The left-hand sides of the lecture's chunked forward cell, in order. */
    static final List<String> LECTURE_FORWARD = List.of("emb", "embcat", "hprebn", "bnmeani", "bndiff", "bndiff2",
            "bnvar", "bnvar_inv", "bnraw", "hpreact", "h", "logits", "logit_maxes", "norm_logits", "counts",
            "counts_sum", "counts_sum_inv", "probs", "logprobs", "loss");

    @Test
    void exercise1IsTheLecturesCmpOrder() {
        assertThat(Name.EXERCISE1.stream().map(Name::name).toList()).isEqualTo(LECTURE_CMP);
    }

    @Test
    void forwardIsTheLecturesChunkOrderAndParametersItsLeaves() {
        assertThat(Name.FORWARD.stream().map(Name::name).toList()).isEqualTo(LECTURE_FORWARD);
        assertThat(Name.PARAMETERS.stream().map(Name::name).toList())
                .containsExactly("C", "W1", "b1", "W2", "b2", "bngain", "bnbias");
    }

    /**
     * Each tensor's readers as the lecture's backward lines take them (the later reader first: dcounts is
     * counts_sum_inv * dprobs, then += dcounts_sum), read off the forward cell by hand.
     */
    @Test
    void consumersAreTheForwardCellsReaders() {
        String[] table = {
                "logprobs: loss", "probs: logprobs", "counts_sum_inv: probs", "counts_sum: counts_sum_inv",
                "counts: probs counts_sum", "norm_logits: counts", "logit_maxes: norm_logits",
                "logits: norm_logits logit_maxes", "h: logits", "W2: logits", "b2: logits", "hpreact: h",
                "bngain: hpreact", "bnbias: hpreact", "bnraw: hpreact", "bnvar_inv: bnraw", "bnvar: bnvar_inv",
                "bndiff2: bnvar", "bndiff: bnraw bndiff2", "bnmeani: bndiff", "hprebn: bndiff bnmeani",
                "embcat: hprebn", "W1: hprebn", "b1: hprebn", "emb: embcat", "C: emb"};
        Map<String, List<String>> want = new LinkedHashMap<>();
        for (String row : table) {
            String[] xy = row.split(": ");
            want.put(xy[0], List.of(xy[1].split(" ")));
        }
        want.forEach((x, ys) -> assertThat(Name.valueOf(x).consumers().stream().map(Name::name).toList())
                .as("consumers of %s", x).isEqualTo(ys));
        assertThat(Name.loss.consumers()).isEmpty();
    }

    /** After batchnorm's statistics every step is row-wise: a change in one example's row stays in it. */
    @Test
    void rowLocalFromBnrawToLogprobs() {
        List<Name> local = Arrays.stream(Name.values()).filter(Name::rowLocal).toList();
        assertThat(local.stream().map(Name::name).toList()).isEqualTo(LECTURE_FORWARD.subList(8, 19));
        assertThat(Name.bnraw.rowLocal()).isTrue();
        assertThat(Name.bndiff.rowLocal()).isFalse(); // it feeds bnvar, a statistic over the batch
    }

    @Test
    void aNameThatIsNotTheLecturesIsRefusedWithIt() {
        assertThat(Name.of("bnvar_inv")).isEqualTo(Name.bnvar_inv);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Name.of("bnvarinv"))
                .hasMessageContaining("no tensor named 'bnvarinv'");
    }
}
