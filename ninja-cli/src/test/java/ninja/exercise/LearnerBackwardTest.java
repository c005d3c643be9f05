package ninja.exercise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ninja.data.Splits;
import ninja.model.Schedule;
import ninja.model.WaveNetConfig;
import ninja.nn.StepBackward;
import ninja.testing.TestData;
import ninja.train.WaveNetTrainer;
import org.junit.jupiter.api.Test;

/**
 * exercise train: the WaveNet trained with the learner's backward follows the built-in trainer (the layers' own
 * backward) from the same init and batches, step for step, up to float32 rounding; a wrong backward does not.
 */
class LearnerBackwardTest {
    static final int STEPS = 300;
    static final Splits SPLITS = Splits.of(TestData.names(), WaveNetConfig.NOTEBOOK.blockSize());

    /** The batch losses of STEPS steps, with the given file's backward (null: the layers' own). */
    static List<Float> losses(Class<?> learner) {
        WaveNetTrainer t = WaveNetTrainer.fresh(WaveNetConfig.NOTEBOOK, SPLITS, Schedule.WAVENET);
        if (learner != null) {
            StepBackward b = new LearnerBackward(learner, t.model());
            t.backward(b);
        }
        List<Float> losses = new ArrayList<>();
        t.run(STEPS, 0, 0, new WaveNetTrainer.Listener() {
            @Override
            public void onStep(int step, float lr, float loss) {
                losses.add(loss);
            }
        }, () -> false);
        return losses;
    }

    @Test
    void theSolutionTrainsAsTheBuiltInBackward() throws Exception {
        List<Float> builtin = losses(null);
        List<Float> mine = losses(Fixture.compile(ExerciseTemplate.LAYERS_SOLUTION_CLASS,
                ExerciseTemplate.layersSolution()));
        assertThat(mine).hasSize(STEPS);
        assertThat(mine.get(0)).isEqualTo(builtin.get(0));           // the same init and first batch: 3.3167
        assertThat((double) mine.get(0)).isCloseTo(3.3167, org.assertj.core.data.Offset.offset(5e-5));
        double worst = 0;
        for (int i = 0; i < STEPS; i++) {
            worst = Math.max(worst, Math.abs(mine.get(i) - builtin.get(i)));
        }
        // two float32 computations of the same gradients: they part by rounding only, which 300 steps grow little
        assertThat(worst).isLessThan(1e-5);     // measured 7.2e-7 (a few ulps of the loss)
        assertThat(builtin.get(STEPS - 1)).isLessThan(builtin.get(0) - 0.5f);   // and it did learn
    }

    @Test
    void aWrongBackwardTrainsDifferently() throws Exception {
        // dgamma and dbeta left at zero: batchnorm's gains never move (the rest is right)
        Class<?> wrong = Fixture.compile("LayersNoBnParams", ExerciseTemplate.renderLayers("LayersNoBnParams", true,
                Map.of("batchNormBackward", LayerGraderTest.solutionBody("batchNormBackward")
                        .replace("dgamma, dbeta);", "Tensor.zeros(c), Tensor.zeros(c));"))));
        List<Float> builtin = losses(null), mine = losses(wrong);
        double worst = 0;
        for (int i = 0; i < STEPS; i++) {
            worst = Math.max(worst, Math.abs(mine.get(i) - builtin.get(i)));
        }
        assertThat(worst).isGreaterThan(1e-2);
    }

    @Test
    void aGradientOfTheWrongShapeStopsTheRunNamingTheLayer() throws Exception {
        Class<?> wrong = Fixture.compile("LayersFlat", ExerciseTemplate.renderLayers("LayersFlat", true,
                Map.of("flattenConsecutiveBackward", "return dout;")));
        assertThatThrownBy(() -> losses(wrong)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flattenConsecutiveBackward returned dx [32, 256]")
                .hasMessageContaining("layers.9 FlattenConsecutive(2)").hasMessageContaining("[32, 2, 128]");
    }

    @Test
    void aBackprop1FileIsNotAnExercise5File() throws Exception {
        Class<?> b = Fixture.compile(ExerciseTemplate.SOLUTION_CLASS, ExerciseTemplate.solution());
        assertThat(LayerGrader.isLayers(b)).isFalse();
        assertThatThrownBy(() -> losses(b)).hasMessageContaining("not an Exercise 5 file");
    }
}
