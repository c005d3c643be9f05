package ninja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ninja.model.Config;
import ninja.model.WaveNetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The default thread count by the step's size: the notebook's MLP on one thread, bigger steps on two. */
class ThreadsOptionTest {
    private static final int CORES = Math.min(2, Runtime.getRuntime().availableProcessors());

    @ParameterizedTest(name = "hidden {0}, batch {1}: two threads {2}")
    @CsvSource({
        "200, 32, false",   // the notebook: 2.19 MFLOP a step
        "64, 32, false",    // the lecture's config
        "256, 32, false",   // 2.80 MFLOP
        "365, 32, false",   // 3.99 MFLOP: the edges of 4e6
        "366, 32, true",
        "200, 58, false",
        "200, 59, true",
        "512, 32, true",    // 5.60 MFLOP
        "200, 64, true",    // 4.38 MFLOP
        "200, 256, true",
    })
    void theMlpSplitsFromFourMegaflopsAStep(int hidden, int batch, boolean two) {
        Config c = Config.named("notebook").with(null, hidden, null, batch, null);
        assertThat(new ThreadsOption().resolve(c)).isEqualTo(two ? CORES : 1);
    }

    @Test
    void theWaveNetSplitsAndAnExplicitCountIsKept() {
        ThreadsOption t = new ThreadsOption();
        assertThat(t.resolve(ThreadsOption.flops(WaveNetConfig.NOTEBOOK))).isEqualTo(CORES);
        assertThat(t.adaptive()).isTrue();
        t.threads = 2;
        assertThat(t.resolve(Config.named("notebook"))).isEqualTo(2);
        assertThat(t.adaptive()).isFalse();
        t.threads = 0;
        assertThatThrownBy(() -> t.resolve(Config.named("notebook"))).hasMessage("--threads must be at least 1, got 0");
    }
}
