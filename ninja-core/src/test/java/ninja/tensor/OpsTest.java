package ninja.tensor;

import static ninja.tensor.TensorTest.arange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** N-d operations against plain loops, and broadcasting that never hides a shape error. */
class OpsTest {

    static Tensor randn(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.numel(); i++) {
            t.data()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    static int[] shape(String s) {
        if (s.isBlank()) {
            return new int[0];
        }
        String[] p = s.trim().split(" ");
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = Integer.parseInt(p[i]);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @CsvSource({
            "32 27, 32 27, 32 27", "32 27, 1 27, 32 27", "32 27, 27, 32 27", "32 1, 32 27, 32 27", "'', 32 27, 32 27",
            "1, 32 27, 32 27", "1 1, 32 27, 32 27", "4 3 5, 5, 4 3 5", "4 3 5, 1 1 5, 4 3 5", "4 3 5, 4 3 1, 4 3 5",
            "4 3 5, 3 5, 4 3 5", "4 1 5, 4 3 5, 4 3 5", "1, 1 1, 1 1", "'', 1, 1"})
    void broadcastsOneOperandToTheOther(String a, String b, String out) {
        Tensor x = Tensor.full(2f, shape(a)), y = Tensor.full(3f, shape(b));
        assertThat(Ops.sub(x, y).shape()).containsExactly(shape(out));
        assertThat(Ops.sub(x, y).data()).containsOnly(-1f);
        assertThat(Ops.sub(y, x).data()).containsOnly(1f);
    }

    @ParameterizedTest(name = "{0} with {1} refused")
    @CsvSource({"32, 32 27", "32 1, 27", "32 1, 1 27", "27 1, 27", "1 1, 5", "4 3 5, 4 5", "4 3 5, 4 1 1 5",
            "4 1 5, 1 3 5", "32 27, 27 32"})
    void refusesABroadcastThatWouldHideAShapeError(String a, String b) {
        Tensor x = Tensor.zeros(shape(a)), y = Tensor.zeros(shape(b));
        assertThatThrownBy(() -> Ops.mul(x, y)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not match");
        assertThatThrownBy(() -> Ops.mul(y, x)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void broadcastPairsTheRightElements() {
        Tensor x = arange(2, 3, 4), col = arange(2, 3, 1), mid = arange(3, 1), row = arange(4);
        Tensor a = Ops.sub(x, col), b = Ops.mul(mid, x), c = Ops.add(x, row);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    assertThat(a.get(i, j, k)).isEqualTo(x.get(i, j, k) - col.get(i, j, 0));
                    assertThat(b.get(i, j, k)).isEqualTo(mid.get(j, 0) * x.get(i, j, k));
                    assertThat(c.get(i, j, k)).isEqualTo(x.get(i, j, k) + row.get(k));
                }
            }
        }
    }

    @Test
    void sumOverAnyDimensionEqualsTheLoop() {
        Tensor x = randn(new Random(1), 3, 4, 5);
        Tensor s0 = Ops.sum(x, 0, false), s1 = Ops.sum(x, 1, true), s2 = Ops.sum(x, -1, false);
        assertThat(s0.shape()).containsExactly(4, 5);
        assertThat(s1.shape()).containsExactly(3, 1, 5);
        assertThat(s2.shape()).containsExactly(3, 4);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 5; k++) {
                    float a = 0, b = 0, c = 0;
                    for (int t = 0; t < 3; t++) {
                        a += x.get(t, j, k);
                    }
                    for (int t = 0; t < 4; t++) {
                        b += x.get(i, t, k);
                    }
                    for (int t = 0; t < 5; t++) {
                        c += x.get(i, j, t);
                    }
                    assertThat(s0.get(j, k)).isEqualTo(a);
                    assertThat(s1.get(i, 0, k)).isEqualTo(b);
                    assertThat(s2.get(i, j)).isEqualTo(c);
                }
            }
        }
        Tensor s01 = Ops.sum(x, new int[] {1, 0}, true);
        assertThat(s01.shape()).containsExactly(1, 1, 5);
        assertThat(s01.data()).containsExactly(Ops.sum0(x.view(12, 5), true).data());
        assertThat(Ops.sum(x, new int[] {0, 2}, false).shape()).containsExactly(4);
        assertThat(Ops.sum(x).item()).isCloseTo(sumAll(x), org.assertj.core.data.Offset.offset(1e-4f));
    }

    static float sumAll(Tensor x) {
        float s = 0;
        for (float v : x.data()) {
            s += v;
        }
        return s;
    }

    @Test
    void sum1TakesKeepdimAndTheOldFormsKeepTheirShapes() {
        Tensor x = arange(4, 3);
        assertThat(Ops.sum1(x).shape()).containsExactly(4, 1);
        assertThat(Ops.sum1(x, false).shape()).containsExactly(4);
        assertThat(Ops.sum1(x, false).data()).containsExactly(3, 12, 21, 30);
        assertThat(Ops.sum0(x, false).data()).containsExactly(18, 22, 26);
        assertThat(Ops.sum0(x, true).shape()).containsExactly(1, 3);
        assertThatThrownBy(() -> Ops.sum0(arange(2, 3, 4), true)).hasMessageContaining("needs a 2-D tensor");
        assertThat(Ops.mean(x, 0, true).data()).containsExactly(4.5f, 5.5f, 6.5f);
    }

    @Test
    void sum0KeepsATensCascadeOrder() {
        // 1e8 then 39 ones: a running sum loses every 1 (half an ulp of 1e8 is 4), ATen's blocks of 16 rows
        // add the ones among themselves first and keep them: 1e8 + 24
        Tensor x = Tensor.full(1f, 40, 1);
        x.data()[0] = 1e8f;
        float running = 0;
        for (float v : x.data()) {
            running += v;
        }
        float[] cascade = new float[1];
        Kernels.sumRowsTorchOrder(x.data(), cascade, 40, 1);
        assertThat(Ops.sum(x, 0, false).data()).containsExactly(cascade);
        assertThat(Ops.sum0(x, false).data()[0]).isEqualTo(1e8f + 24f).isNotEqualTo(running);
    }

    @Test
    void maxWithIndicesOverAnyDimension() {
        Tensor x = Tensor.of(new float[] {1, 5, 5, 2, 0, 7, 7, -1, 3, 3, 9, 0}, 2, 2, 3);
        Ops.Max m = Ops.max(x, 1, false);
        assertThat(m.values().shape()).containsExactly(2, 3);
        assertThat(m.values().data()).containsExactly(2, 5, 7, 7, 9, 3);
        assertThat(m.indices()).containsExactly(1, 0, 1, 0, 1, 0);
        Ops.Max last = Ops.max(x, -1, true);
        assertThat(last.values().shape()).containsExactly(2, 2, 1);
        assertThat(last.indices()).containsExactly(1, 2, 0, 1); // first of the tied maxima, as torch
        int[] argmax = new int[2];
        assertThat(Ops.max1(Tensor.of(new float[] {3, 1, 4, 1, 5, 9}, 2, 3), argmax).data()).containsExactly(4, 9);
        assertThat(argmax).containsExactly(2, 2);
    }

    @Test
    void elementwiseFunctions() {
        Tensor x = Tensor.of(new float[] {0.25f, 1f, 4f}, 3);
        assertThat(Ops.neg(x).data()).containsExactly(-0.25f, -1f, -4f);
        assertThat(Ops.pow(x, 2).data()).containsExactly(0.0625f, 1f, 16f);
        assertThat(Ops.pow(x, -1).data()).containsExactly(4f, 1f, 0.25f);
        assertThat(Ops.pow(x, -0.5f).data()).containsExactly(2f, 1f, 0.5f);
        assertThat(Ops.pow(x, 0.5f).data()).containsExactly(0.5f, 1f, 2f);
        assertThat(Ops.pow(x, 1.5f).data()).containsExactly(0.125f, 1f, 8f);
        assertThat(Ops.div(x, Tensor.full(2f, 1, 1).view(1)).data()).containsExactly(0.125f, 0.5f, 2f);
        assertThat(Ops.div(x, 4f).data()).containsExactly(0.0625f, 0.25f, 1f);
        assertThat(Ops.sub(1f, x).data()).containsExactly(0.75f, 0f, -3f);
        assertThat(Ops.add(x, 1f).data()).containsExactly(1.25f, 2f, 5f);
        assertThat(Ops.mul(x, 2f).data()).containsExactly(0.5f, 2f, 8f);
        assertThat(Ops.exp(x).data()[1]).isEqualTo((float) Math.E);
        assertThat(Ops.log(x).data()[2]).isEqualTo((float) Math.log(4));
        assertThat(Ops.tanh(x).data()[0]).isEqualTo((float) Math.tanh(0.25));
        assertThat(Ops.sqrt(x).data()).containsExactly(0.5f, 1f, 2f);
    }

    @Test
    void transposeSwapsAnyTwoDimensions() {
        Tensor x = arange(2, 3, 4), t = Ops.transpose(x, 0, 2);
        assertThat(t.shape()).containsExactly(4, 3, 2);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    assertThat(t.get(k, j, i)).isEqualTo(x.get(i, j, k));
                }
            }
        }
        assertThat(Ops.transpose(x, 1, -1).get(1, 3, 2)).isEqualTo(x.get(1, 2, 3));
    }

    @Test
    void indexingWithoutLoops() {
        int[] yb = {2, 0, 1};
        Tensor oh = Ops.oneHot(yb, 4);
        assertThat(oh.shape()).containsExactly(3, 4);
        assertThat(oh.data()).containsExactly(0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0);
        assertThatThrownBy(() -> Ops.oneHot(new int[] {4}, 4)).hasMessageContaining("index 4 is out of bounds");
        Tensor logprobs = arange(3, 4);
        assertThat(Ops.pick(logprobs, yb).data()).containsExactly(2, 4, 9);
        Tensor c = arange(5, 2);
        int[] xb = {4, 0, 4, 1};
        Tensor emb = Ops.rows(c, xb, 2, 2);
        assertThat(emb.shape()).containsExactly(2, 2, 2);
        assertThat(emb.data()).containsExactly(8, 9, 0, 1, 8, 9, 2, 3);
        Tensor dc = Tensor.zeros(5, 2);
        Ops.indexAdd(dc, xb, Tensor.ones(2, 2, 2));
        assertThat(dc.data()).containsExactly(1, 1, 1, 1, 0, 0, 0, 0, 2, 2);
    }

    @Test
    void addIntoRefusesToGrow() {
        Tensor a = Tensor.zeros(3, 1);
        Ops.addInto(a, Tensor.full(1f, 1));
        assertThat(a.data()).containsOnly(1f);
        assertThatThrownBy(() -> Ops.addInto(a, Tensor.zeros(3, 4))).hasMessage("cannot add [3, 4] into [3, 1]");
    }

    @Test
    void matmulsAre2dOnly() {
        assertThatThrownBy(() -> Ops.matmul(Tensor.zeros(2, 3, 4), Tensor.zeros(4, 2)))
                .hasMessageContaining("2-D only");
    }
}
