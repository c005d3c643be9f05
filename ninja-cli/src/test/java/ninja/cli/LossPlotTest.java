package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossPlotTest {
    private static List<Double> xs(List<Float> losses, List<Double> y) {
        List<Double> x = new ArrayList<>();
        LossPlot.envelope(losses, x, y);
        return x;
    }

    @Test
    void shortRunsKeepEveryStep() {
        List<Float> losses = List.of(3f, 1f, Float.NaN, 10f);
        List<Double> y = new ArrayList<>();
        assertThat(xs(losses, y)).containsExactly(0.0, 1.0, 3.0);      // NaN left out
        assertThat(y).containsExactly(Math.log10(3), 0.0, 1.0);
    }

    @Test
    void longRunsKeepEachRunsLowestAndHighestInStepOrder() {
        // 4,000 steps into runs of 4 (at most 2,000 points): a spike and a dip must survive the thinning
        List<Float> losses = new ArrayList<>(Collections.nCopies(4000, 2f));
        losses.set(1234, 10f);
        losses.set(2001, 0.5f);
        losses.set(2003, 8f);
        List<Double> y = new ArrayList<>();
        List<Double> x = xs(losses, y);
        assertThat(x).hasSizeLessThanOrEqualTo(LossPlot.ENVELOPE);
        // a flat run gives one point, its first step; [1232, 1236) gives its first low (1232) and the spike
        assertThat(x.subList(307, 311)).containsExactly(1228.0, 1232.0, 1234.0, 1236.0);
        assertThat(y.subList(307, 311)).containsExactly(Math.log10(2), Math.log10(2), 1.0, Math.log10(2));
        // [2000, 2004): the dip at 2001, then the high at 2003
        int i = x.indexOf(2001.0);
        assertThat(x.subList(i - 1, i + 3)).containsExactly(1996.0, 2001.0, 2003.0, 2004.0);
        assertThat(y.get(i)).isEqualTo(Math.log10(0.5));
        assertThat(y.get(i + 1)).isEqualTo(Math.log10(8));
    }
}
