package ninja.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void namedConfigurations() {
        assertThat(Config.named("notebook").nHidden()).isEqualTo(200);
        assertThat(Config.named("lecture").nHidden()).isEqualTo(64);
        assertThat(Config.named("lecture").bnInit()).isEqualTo(Config.BnInit.RANDN);
        assertThat(Config.named("notebook").with(null, 7, 2, 4, 5L))
                .isEqualTo(new Config("notebook", 10, 7, 2, 4, 5L, Config.BnInit.CONSTANT));
    }

    @Test
    void badValuesAreRefusedWithTheFlagName() {
        Config c = Config.named("notebook");
        assertThatThrownBy(() -> c.with(null, null, null, 1, null)).hasMessageContaining("--batch")
                .hasMessageContaining("n-1");
        assertThatThrownBy(() -> c.with(null, null, 0, null, null)).hasMessageContaining("--block");
        assertThatThrownBy(() -> c.with(null, 0, null, null, null)).hasMessageContaining("--hidden");
        assertThatThrownBy(() -> c.with(-1, null, null, null, null)).hasMessageContaining("--embd");
        assertThatThrownBy(() -> Config.named("nope")).hasMessageContaining("no configuration named 'nope'");
    }
}
