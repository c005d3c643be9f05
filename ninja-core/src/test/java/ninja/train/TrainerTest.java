package ninja.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ninja.data.Splits;
import ninja.io.Checkpoint;
import ninja.io.Safetensors;
import ninja.model.Config;
import ninja.tensor.Tensor;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    /** Small enough for a quick test, the notebook's data and generator. */
    static final Config SMALL = Config.named("notebook").with(null, 16, null, null, null);
    static final Schedule SCHEDULE = new Schedule(0.1f, 0.01f, 1_500);
    static Splits splits;

    static synchronized Splits splits() {
        if (splits == null) {
            splits = Splits.of(TestData.names(), 3);
        }
        return splits;
    }

    static final Trainer.Listener QUIET = new Trainer.Listener() {
    };

    @Test
    void resumingIsBitForBitTheSameAsTrainingStraight(@TempDir Path dir) throws Exception {
        Trainer straight = Trainer.fresh(SMALL, splits(), SCHEDULE);
        assertThat(straight.run(2_000, 0, 0, QUIET, () -> false)).isTrue();
        Path a = dir.resolve("straight.safetensors");
        straight.calibrated().write(a);

        Trainer first = Trainer.fresh(SMALL, splits(), SCHEDULE);
        first.run(1_000, 0, 0, QUIET, () -> false);
        Path half = dir.resolve("half.safetensors");
        first.calibrated().write(half);                      // a finished run, calibrated: resumes from running stats
        Trainer second = Trainer.resume(Checkpoint.read(half), splits(), Checkpoint.read(half).schedule());
        assertThat(second.step()).isEqualTo(1_000);
        second.run(2_000, 0, 0, QUIET, () -> false);
        Path b = dir.resolve("resumed.safetensors");
        second.calibrated().write(b);

        var ta = Safetensors.read(a).tensors();
        var tb = Safetensors.read(b).tensors();
        assertThat(tb.keySet()).containsExactlyElementsOf(ta.keySet());
        for (String name : ta.keySet()) {
            assertThat(Tensor.shapeString(tb.get(name).shape())).isEqualTo(Tensor.shapeString(ta.get(name).shape()));
            assertThat(java.util.Arrays.equals(tb.get(name).data(), ta.get(name).data())).as(name).isTrue();
        }
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        // training changed the model: the test compares trained tensors, not two copies of the init
        assertThat(java.util.Arrays.equals(Safetensors.read(half).tensors().get("W1").data(), ta.get("W1").data())).isFalse();
    }

    @Test
    void stopsAtTheFirstNonFiniteLossNamingTheStep() {
        Trainer t = Trainer.fresh(SMALL, splits(), new Schedule(1e6f, 1e6f, 0));
        List<Integer> seen = new ArrayList<>();
        Trainer.Listener l = new Trainer.Listener() {
            @Override
            public void onStep(int step, float lr, float loss) {
                seen.add(step);
            }
        };
        assertThatThrownBy(() -> t.run(5_000, 0, 0, l, () -> false)).isInstanceOf(NonFiniteLossException.class)
                .hasMessageMatching("(the loss is (NaN|-?Infinity)|the batch statistics overflowed) at step \\d+ .*")
                .satisfies(e -> assertThat(((NonFiniteLossException) e).step()).isEqualTo(seen.size()));
        assertThat(seen.size()).isLessThan(5_000);
    }

    @Test
    void aStopRequestEndsAfterTheCurrentStepWithAResumableState() {
        Trainer t = Trainer.fresh(SMALL, splits(), SCHEDULE);
        int[] calls = new int[1];
        boolean done = t.run(100, 0, 0, QUIET, () -> ++calls[0] >= 7);
        assertThat(done).isFalse();
        assertThat(t.step()).isEqualTo(7);
        assertThat(t.checkpoint().step()).isEqualTo(7);
    }

    @Test
    void lossGoesDownAndCalibrationMeasuresTheTrainingSet() {
        Trainer t = Trainer.fresh(SMALL, splits(), SCHEDULE);
        float before = (float) Evaluation.loss(t.parameters(), splits().val());
        List<Float> vals = new ArrayList<>();
        t.run(1_000, 500, 0, new Trainer.Listener() {
            @Override
            public void onEval(int step, float valLoss) {
                vals.add(valLoss);
            }
        }, () -> false);
        assertThat(vals).hasSize(2);
        assertThat(vals.get(1)).isLessThan(before - 0.5f);
        Checkpoint ck = t.calibrated();
        assertThat(ck.calibrated()).isTrue();
        // running statistics are an average over recent batches: close to, not equal to, the calibrated ones
        float[] cal = ck.params().bnmean.data();
        float[] run = ck.runningMean().data();
        assertThat(java.util.Arrays.equals(cal, run)).isFalse();
        // and the trainer's own statistics were not touched by the calibration
        assertThat(java.util.Arrays.equals(t.parameters().bnmean.data(), run)).isTrue();
    }
}
