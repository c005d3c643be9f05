package ninja.data;

import static org.assertj.core.api.Assertions.assertThat;

import ninja.testing.TestData;
import org.junit.jupiter.api.Test;

class SplitsTest {
    @Test
    void notebookSplitSizesAtBlockSize3() {
        Splits s = Splits.of(TestData.names(), 3);
        assertThat(TestData.names().words()).hasSize(32033);
        assertThat(s.vocab().size()).isEqualTo(27);
        assertThat(s.vocab().chars()).isEqualTo(".abcdefghijklmnopqrstuvwxyz");
        assertThat(s.train().size()).isEqualTo(182625);
        assertThat(s.val().size()).isEqualTo(22655);
        assertThat(s.test().size()).isEqualTo(22866);
    }
}
