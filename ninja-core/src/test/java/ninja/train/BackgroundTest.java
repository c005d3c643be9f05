package ninja.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Background work: its result, what it threw (as it was), and an interrupt left to the caller. */
class BackgroundTest {
    @Test
    void returnsTheResultOnADaemonThreadOfItsName() throws Exception {
        Background<String> b = Background.start("ninja-test-work",
                () -> Thread.currentThread().getName() + " " + Thread.currentThread().isDaemon());
        assertThat(b.await()).isEqualTo("ninja-test-work true");
        assertThat(b.isDone()).isTrue();
    }

    @Test
    void rethrowsWhatTheWorkThrewAsItWas() {
        assertThatThrownBy(() -> Background.start("t", () -> {
            throw new IOException("disk full");
        }).await()).isExactlyInstanceOf(IOException.class).hasMessage("disk full");
        assertThatThrownBy(() -> Background.start("t", () -> {
            throw new IllegalArgumentException("bad");
        }).await()).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("bad");
        assertThatThrownBy(() -> Background.start("t", () -> {
            throw new OutOfMemoryError("big");
        }).await()).isExactlyInstanceOf(OutOfMemoryError.class).hasMessage("big");
    }

    /** A Throwable neither Error nor Exception (thrown past Callable's signature) arrives as a cause, not a cast. */
    @Test
    void aThrowableOfItsOwnKindArrivesAsTheCause() {
        Throwable odd = new Throwable("odd");
        assertThatThrownBy(() -> Background.start("ninja-odd", () -> sneaky(odd)).await())
                .isExactlyInstanceOf(IllegalStateException.class).hasMessageContaining("ninja-odd").hasCause(odd);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> Object sneaky(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void waitingKeepsTheCallersInterrupt() throws Exception {
        Thread.currentThread().interrupt();
        try {
            assertThat(Background.start("t", () -> {
                Thread.sleep(50);
                return 7;
            }).await()).isEqualTo(7);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    /** A val loss that fails reaches the training thread as it was thrown; the buffered steps are not told. */
    @Test
    void aFailedDeferredValLossIsThrownToTheTrainingThread() {
        List<String> heard = new ArrayList<>();
        DeferredEval later = new DeferredEval(new StepListener<Object>() {
            @Override
            public void onStep(int step, float lr, float loss) {
                heard.add("step " + step);
            }

            @Override
            public void onEval(int step, float valLoss) {
                heard.add("val " + step);
            }
        }, 8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        later.step(0, 0.1f, 2f);
        later.start(1, () -> {
            try {
                go.await();                              // fails only once step 1 is buffered behind it
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            throw new IllegalStateException("no memory for the copy");
        });
        later.step(1, 0.1f, 2f);
        go.countDown();
        assertThatThrownBy(later::await).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("no memory for the copy");
        assertThat(heard).containsExactly("step 0");
        later.await();                                   // nothing pending any more
        later.step(2, 0.1f, 2f);
        assertThat(heard).containsExactly("step 0", "step 2");
    }
}
