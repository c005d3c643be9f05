package ninja.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ninja.data.Splits;
import ninja.io.CheckpointException;
import ninja.io.Safetensors;
import ninja.io.WaveNetCheckpoint;
import ninja.model.Schedule;
import ninja.model.WaveNetConfig;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaveNetTrainerTest {
    /** A small WaveNet (two levels of batchnorm, one 3-D and one 2-D) on the notebook's data. */
    static final WaveNetConfig SMALL = new WaveNetConfig(8, 16, 4, 32, 42);
    static final Schedule SCHEDULE = new Schedule(0.1f, 0.01f, 300);
    static Splits splits;

    static synchronized Splits splits() {
        if (splits == null) {
            splits = Splits.of(TestData.names(), SMALL.blockSize());
        }
        return splits;
    }

    static final WaveNetTrainer.Listener QUIET = new WaveNetTrainer.Listener() {
    };

    @Test
    void resumingIsBitForBitTheSameAsTrainingStraight(@TempDir Path dir) throws Exception {
        WaveNetTrainer straight = WaveNetTrainer.fresh(SMALL, splits(), SCHEDULE);
        straight.run(600, 0, 0, QUIET, () -> false);
        Path a = dir.resolve("straight.safetensors");
        straight.checkpoint().write(a);

        WaveNetTrainer first = WaveNetTrainer.fresh(SMALL, splits(), SCHEDULE);
        first.run(250, 0, 0, QUIET, () -> false);
        Path half = dir.resolve("half.safetensors");
        first.checkpoint().write(half);
        WaveNetCheckpoint ck = WaveNetCheckpoint.read(half);
        assertThat(ck.step()).isEqualTo(250);
        WaveNetTrainer second = WaveNetTrainer.resume(ck, splits(), ck.schedule());
        second.run(600, 0, 0, QUIET, () -> false);
        Path b = dir.resolve("resumed.safetensors");
        second.checkpoint().write(b);

        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        var init = Safetensors.read(half).tensors().get("layers.2.weight").data();
        var trained = Safetensors.read(a).tensors().get("layers.2.weight").data();
        assertThat(java.util.Arrays.equals(init, trained)).as("training changed the weights").isFalse();
        // running statistics are saved and moved away from their initial zeros and ones
        assertThat(Safetensors.read(a).tensors().get("layers.3.running_mean").data()[0]).isNotZero();
    }

    @Test
    void lossGoesDownAndSamplesAreNames() {
        WaveNetTrainer t = WaveNetTrainer.fresh(SMALL, splits(), SCHEDULE);
        double before = SequentialEval.loss(t.model(), splits().val());
        List<Float> vals = new ArrayList<>();
        t.run(600, 300, 0, new WaveNetTrainer.Listener() {
            @Override
            public void onEval(int step, float valLoss) {
                vals.add(valLoss);
            }
        }, () -> false);
        assertThat(before).isGreaterThan(3.2);                 // about ln 27 = 3.30 at the start
        assertThat(vals).hasSize(2);
        assertThat(vals.get(1)).isLessThan(2.7f);
        List<String> names = SequentialEval.sample(t.model(), splits().vocab(), SMALL.blockSize(), 5, t.generator());
        assertThat(names).hasSize(5).allSatisfy(n -> assertThat(n).matches("[a-z]{0,50}"));
    }

    @Test
    void theValLossOfACopyIsTheValLossAndDoesNotFollowTheModel() {
        WaveNetTrainer t = WaveNetTrainer.fresh(SMALL, splits(), SCHEDULE);
        t.run(100, 0, 0, new WaveNetTrainer.Listener() {
        }, () -> false);
        java.util.function.DoubleSupplier later = t.valLossOfCopy();
        double now = t.valLoss();
        t.run(150, 0, 0, new WaveNetTrainer.Listener() {
        }, () -> false);
        assertThat(later.getAsDouble()).isEqualTo(now);
        assertThat(t.valLoss()).isNotEqualTo(now);
    }

    @Test
    void stopsAtTheFirstNonFiniteLoss() {
        WaveNetTrainer t = WaveNetTrainer.fresh(SMALL, splits(), new Schedule(1e30f, 1e30f, 0));
        assertThatThrownBy(() -> t.run(500, 0, 0, QUIET, () -> false)).isInstanceOf(NonFiniteLossException.class);
    }

    @Test
    void aCheckpointWithANaNOrAMissingTensorIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        WaveNetTrainer t = WaveNetTrainer.fresh(SMALL, splits(), SCHEDULE);
        Path ok = dir.resolve("ok.safetensors");
        t.checkpoint().write(ok);
        var c = Safetensors.read(ok);
        var tensors = new java.util.LinkedHashMap<>(c.tensors());
        tensors.get("layers.7.gamma").data()[3] = Float.NaN;
        Path nan = dir.resolve("nan.safetensors");
        Safetensors.write(nan, tensors, c.metadata());
        assertThatThrownBy(() -> WaveNetCheckpoint.read(nan)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("nan.safetensors").hasMessageContaining("layers.7.gamma");
        tensors.remove("layers.7.gamma");
        Path missing = dir.resolve("missing.safetensors");
        Safetensors.write(missing, tensors, c.metadata());
        assertThatThrownBy(() -> WaveNetCheckpoint.read(missing)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing tensor layers.7.gamma");
    }
}
