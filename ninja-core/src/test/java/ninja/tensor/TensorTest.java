package ninja.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Element access checks rank and every index; view infers -1; toString prints as torch does. */
class TensorTest {

    static Tensor arange(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.numel(); i++) {
            t.data()[i] = i;
        }
        return t;
    }

    @Test
    void getAndSetAreRowMajorInAnyRank() {
        Tensor t = arange(2, 3, 4);
        assertThat(t.get(1, 2, 3)).isEqualTo(23f);
        assertThat(t.get(0, 1, 0)).isEqualTo(4f);
        assertThat(t.get(-1, -1, -1)).isEqualTo(23f);
        t.set(1, 0, 2, -5f);
        assertThat(t.data()[14]).isEqualTo(-5f);
        t.set(new int[] {0, 0, 1}, 7f);
        assertThat(t.data()[1]).isEqualTo(7f);
        Tensor v = arange(5);
        v.set(4, 9f);
        assertThat(v.get(4)).isEqualTo(9f);
        Tensor m = arange(2, 3);
        m.set(1, 2, 8f);
        assertThat(m.get(1, 2)).isEqualTo(8f);
    }

    @Test
    void anIndexPastItsDimensionIsAnErrorNotTheNextRow() {
        Tensor t = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> t.set(0, 3, 1f)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("index 3 is out of bounds for dimension 1 with size 3 (shape [2, 3])");
        assertThatThrownBy(() -> t.get(2, 0)).hasMessageContaining("index 2 is out of bounds for dimension 0");
        assertThatThrownBy(() -> t.get(0, -4)).hasMessageContaining("index -4");
        assertThat(t.data()).containsOnly(0f);
    }

    @Test
    void theNumberOfIndicesMustBeTheRank() {
        Tensor t = Tensor.zeros(2, 3, 4);
        assertThatThrownBy(() -> t.get(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2 indices for a 3-D tensor of shape [2, 3, 4]");
        assertThatThrownBy(() -> t.set(0, 1, 1f)).hasMessageContaining("2 indices for a 3-D tensor");
        assertThatThrownBy(() -> Tensor.zeros(4).get(0, 0)).hasMessageContaining("2 indices for a 1-D tensor");
        assertThatThrownBy(() -> t.dim(3)).hasMessageContaining("dimension 3 out of range");
        assertThat(t.dim(-1)).isEqualTo(4);
    }

    @Test
    void viewInfersOneDimension() {
        Tensor emb = arange(32, 3, 10);
        assertThat(emb.view(32, -1).shape()).containsExactly(32, 30);
        assertThat(emb.view(32, -1).data()).isSameAs(emb.data());
        assertThatThrownBy(() -> emb.view(7, -1)).hasMessageContaining("invalid for 960 values");
        assertThatThrownBy(() -> emb.view(32, 31)).hasMessageContaining("needs 992 values, got 960");
    }

    @Test
    void transposeAndFactories() {
        Tensor t = arange(2, 3).T();
        assertThat(t.shape()).containsExactly(3, 2);
        assertThat(t.data()).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(Tensor.onesLike(t).data()).containsOnly(1f);
        assertThat(Tensor.zerosLike(t).shape()).containsExactly(3, 2);
        assertThatThrownBy(() -> arange(2, 3, 4).T()).hasMessageContaining("needs a 2-D tensor");
    }

    @Test
    void printsLikeTorch() {
        assertThat(Tensor.of(new float[] {1.5f, -2f, 0.25f, 3f}, 2, 2).toString())
                .isEqualTo("tensor([[ 1.5000, -2.0000],\n        [ 0.2500,  3.0000]])");
        assertThat(arange(2, 3).toString()).isEqualTo("tensor([[0., 1., 2.],\n        [3., 4., 5.]])");
        assertThat(Tensor.zeros(2, 2, 2).toString())
                .isEqualTo("tensor([[[0., 0.],\n         [0., 0.]],\n\n        [[0., 0.],\n         [0., 0.]]])");
        assertThat(Tensor.scalar(3.8279378f).toString()).isEqualTo("tensor(3.8279)");
        assertThat(Tensor.of(new float[] {1e-5f, 1f}, 2).toString()).isEqualTo("tensor([1.0000e-05, 1.0000e+00])");
        assertThat(Tensor.zeros(0).toString()).isEqualTo("tensor([])");
    }

    @Test
    void abbreviatesPastAThousandElements() {
        assertThat(arange(2000).toString()).isEqualTo("tensor([   0.,    1.,    2.,  ..., 1997., 1998., 1999.])");
        String big = Tensor.zeros(100, 100).toString();
        assertThat(big).startsWith("tensor([[0., 0., 0.,  ..., 0., 0., 0.],\n        [0., 0., 0.,  ..., 0., 0., 0.],")
                .contains("\n        ...,\n        [0., 0., 0.,").endsWith("0., 0.]])");
        assertThat(big.split("\n")).hasSize(7);
    }

    @Test
    void wrapsLongRowsAtEightyColumns() {
        String s = Tensor.full(0.5f, 27).toString();
        // 27 values of width 6 + ", ": 9 fit in 80 - 8 columns per line
        assertThat(s.split("\n")).hasSize(3);
        assertThat(s.split("\n")[1]).startsWith("        0.5000, ");
    }
}
