package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.rng.TorchGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The notebook's WaveNet trained for 200 steps twice from the same initialisation and batches: by our
 * {@link SequentialStep} (hand-written backward) and by libtorch ({@link TorchSequentialTrainer}: autograd, and
 * the layers' hand-written backward in torch ops).
 */
class TorchSequentialTrainerTest {
    @ParameterizedTest
    @EnumSource(TorchTrainer.Mode.class)
    void perStepLossesTrackLibtorch(TorchTrainer.Mode mode) {
        // autograd as the notebook trains, 200 steps; the hand-written backward in torch ops, a shorter run
        int steps = mode == TorchTrainer.Mode.AUTOGRAD ? 200 : 50;
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK;
        Splits s = TestSplits.of(cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential ours = WaveNet.build(cfg, s.vocab().size(), g);
        Sequential theirs = WaveNet.build(cfg, s.vocab().size(), new TorchGenerator(cfg.seed()));
        SequentialStep step = new SequentialStep(ours, cfg.batchSize(), cfg.blockSize());
        double maxdiff = 0;
        float first = Float.NaN, last = Float.NaN;
        try (TorchSequentialTrainer torch = new TorchSequentialTrainer(theirs, cfg.batchSize(), cfg.blockSize(),
                mode)) {
            for (int i = 0; i < steps; i++) {
                Batch b = Batch.draw(s.train(), cfg.batchSize(), g);   // the loop's randint continues the generator
                float mine = step.step(b, 0.1f);
                float ref = torch.step(b, 0.1f);
                maxdiff = Math.max(maxdiff, Math.abs((double) mine - ref));
                // 2e-6: 8 float32 ulps (2.4e-7) of a loss between 2 and 4
                assertThat((double) mine).as("step %d", i).isCloseTo(ref, org.assertj.core.data.Offset.offset(2e-6));
                first = i == 0 ? ref : first;
                last = ref;
            }
            torch.copyInto(theirs);
        }
        step.syncParameters();                 // plans may keep a weight in a layout of their own
        if (TorchLayersTest.VERBOSE) {
            System.out.printf("%s %d steps: torch loss %.6f -> %.6f, max |ours - torch| per step %.3e%n", mode,
                    steps, first, last, maxdiff);
        }
        assertThat(String.format("%.4f", first)).isEqualTo("3.3167");            // the notebook's step 0
        List<Close.Diff> diffs = new ArrayList<>();
        List<Param> a = new ArrayList<>(ours.params()), b = new ArrayList<>(theirs.params());
        a.addAll(ours.buffers());
        b.addAll(theirs.buffers());
        for (int k = 0; k < a.size(); k++) {
            diffs.add(Close.diff(a.get(k).name(), a.get(k).value, b.get(k).value, 1e-5));
        }
        Close.report(mode + " after " + steps + " steps", diffs, TorchLayersTest.VERBOSE);
    }

    @ParameterizedTest
    @EnumSource(TorchTrainer.Mode.class)
    void aStepFreesWhatItComputes(TorchTrainer.Mode mode) {
        WaveNetConfig cfg = new WaveNetConfig(5, 7, 4, 3, 7);
        Splits s = TestSplits.of(cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential model = WaveNet.build(cfg, s.vocab().size(), g);
        try (TorchSequentialTrainer torch = new TorchSequentialTrainer(model, cfg.batchSize(), cfg.blockSize(),
                mode)) {
            torch.step(Batch.draw(s.train(), cfg.batchSize(), g), 0.1f);    // creates the constants, one per rate
            torch.step(Batch.draw(s.train(), cfg.batchSize(), g), 0.01f);
            int live = torch.liveArrays();
            for (int i = 0; i < 5; i++) {
                torch.step(Batch.draw(s.train(), cfg.batchSize(), g), i < 3 ? 0.1f : 0.01f);
            }
            assertThat(torch.liveArrays()).isEqualTo(live);
        }
    }
}
