package ninja.train;

import static org.assertj.core.api.Assertions.assertThat;

import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import ninja.rng.TorchGenerator;
import ninja.tensor.Parallel;
import ninja.tensor.Tensor;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Training on two threads gives the bits of one thread: the MLP (its hidden units cut between the threads,
 * UnitSplitStep) at the notebook's shape, at hidden 512 / batch 256 and at an odd one (100 units cut 48 + 52, the
 * second part with a tail below one vector; 30 rows cut 12 + 18), and the WaveNet.
 */
class ThreadsTest {
    @ParameterizedTest(name = "hidden {0}, batch {1}")
    @CsvSource({"200, 32", "512, 256", "100, 30"})
    void mlpTrainsBitIdenticallyOnTwoThreads(int hidden, int batch) {
        Config c = Config.named("notebook").with(null, hidden, null, batch, null);
        assertThat(mlp(c, 1)).isEqualTo(mlp(c, 2));
    }

    /**
     * Adaptive two threads: the first window of 256 steps split, the next two (the probes alone) on the plain plans
     * with the matmuls unsplit, the fourth split again; 800 steps give one thread's bits, and both ways were taken.
     */
    @Test
    void mlpAdaptiveTwoThreadsGiveOneThreadsBits() {
        Config c = Config.named("notebook").with(null, 64, null, 16, null);
        float[][] want = null;
        for (boolean twoThreads : new boolean[] {false, true}) {
            Parameters p = Parameters.init(c, 27, new TorchGenerator(c.seed()));
            TrainStep st = new TrainStep(p, c.batchSize());
            TorchGenerator g = new TorchGenerator(c.seed() + 1);
            Splits s = Splits.of(TestData.names(), c.blockSize());
            float[] losses = new float[800];
            try (Parallel par = Parallel.onThisThread(twoThreads ? 2 : 1, true)) {
                for (int i = 0; i < losses.length; i++) {
                    losses[i] = st.step(Batch.draw(s.train(), c.batchSize(), g), 0.1f);
                }
                assertThat(par.splits()).as("steps split").isEqualTo(twoThreads ? (256 + 32) * 4 : 0);
            }
            float[][] got = withLosses(st.parameters(), losses);
            if (want == null) {
                want = got;
            } else {
                assertThat(got).isEqualTo(want);
            }
        }
    }

    /**
     * Steps on one thread, then two, then one again, the parameters read in between: each hand-over (the plans'
     * layouts to the split's parts and back) keeps every bit, the gradients too.
     */
    @Test
    void mlpSwitchesBetweenOneAndTwoThreadsWithTheSameBits() {
        Config c = Config.named("notebook");
        float[][] once = mlp(c, 1);
        Parameters p = Parameters.init(c, 27, new TorchGenerator(c.seed()));
        TrainStep st = new TrainStep(p, c.batchSize());
        TorchGenerator g = new TorchGenerator(c.seed() + 1);
        Splits s = Splits.of(TestData.names(), c.blockSize());
        float[] losses = new float[30];
        for (int i = 0; i < 30; i++) {
            if (i % 10 == 5) {
                st.parameters();
            }
            if (i < 10 || i >= 20) {
                losses[i] = st.step(Batch.draw(s.train(), c.batchSize(), g), 0.1f);
                continue;
            }
            try (Parallel par = Parallel.onThisThread(2)) {
                losses[i] = st.step(Batch.draw(s.train(), c.batchSize(), g), 0.1f);
                assertThat(par.splits()).as("steps split over the threads").isEqualTo(4);
            }
        }
        assertThat(withLosses(st.parameters(), losses)).isEqualTo(once);
    }

    /**
     * The WaveNet with its batch cut between the threads (BatchSplitStep): parameters, gradients, running statistics
     * and losses. Besides the notebook's shape: 100 units (their columns cut 48 + 52, the Linear's fan_in 200 as 96 +
     * 104), an embedding of 10 (too narrow to cut: all on the first part) and 40 samples (cut 16 + 24).
     */
    @ParameterizedTest(name = "embd {0}, hidden {1}, block {2}, batch {3}")
    @CsvSource({"24, 128, 8, 32", "10, 100, 4, 40", "16, 64, 16, 16"})
    void waveNetTrainsBitIdenticallyOnTwoThreads(int embd, int hidden, int block, int batch) {
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK.with(embd, hidden, block, batch, null);
        assertThat(waveNet(cfg, 2, false, 30)).isEqualTo(waveNet(cfg, 1, false, 30));
    }

    /**
     * A model without batchnorm (no statistics phase: the last Linear's packed weight, written in the first phase,
     * must still be ready before any backward row reads it): two threads give one thread's bits, 100 steps.
     */
    @Test
    void aModelWithoutBatchnormTrainsBitIdenticallyOnTwoThreads() {
        float[][] one = withoutBatchnorm(1), two = withoutBatchnorm(2);
        assertThat(two).isEqualTo(one);
    }

    private static float[][] withoutBatchnorm(int threads) {
        TorchGenerator init = new TorchGenerator(42);
        Sequential m = new Sequential(java.util.List.of(new ninja.nn.Embedding(27, 10, init),
                new ninja.nn.FlattenConsecutive(3), new ninja.nn.Linear(30, 50, true, init), new ninja.nn.Tanh(),
                new ninja.nn.Linear(50, 50, true, init), new ninja.nn.Tanh(), new ninja.nn.Linear(50, 27, true, init)));
        SequentialStep st = new SequentialStep(m, 32, 3);
        TorchGenerator g = new TorchGenerator(43);
        Splits s = Splits.of(TestData.names(), 3);
        float[] losses = new float[100];
        try (Parallel par = Parallel.onThisThread(threads)) {
            for (int i = 0; i < losses.length; i++) {
                losses[i] = st.step(Batch.draw(s.train(), 32, g), 0.1f);
            }
            assertThat(par.splits()).as("phases split").isEqualTo(threads == 1 ? 0 : 100L * 3);
        }
        java.util.List<float[]> all = new java.util.ArrayList<>();
        for (ninja.nn.Param q : m.params()) {
            all.add(q.value.data());
            all.add(q.grad.data());
        }
        all.add(losses);
        return all.toArray(float[][]::new);
    }

    /** Adaptive: split windows, the probes alone on the plain plans, split again; one thread's bits. */
    @Test
    void waveNetAdaptiveTwoThreadsGiveOneThreadsBits() {
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK.with(8, 32, 8, 16, null);
        assertThat(waveNet(cfg, 2, true, 800)).isEqualTo(waveNet(cfg, 1, false, 800));
    }

    static float[][] mlp(Config c, int threads) {
        Parameters p = Parameters.init(c, 27, new TorchGenerator(c.seed()));
        TrainStep st = new TrainStep(p, c.batchSize());
        TorchGenerator g = new TorchGenerator(c.seed() + 1);
        Splits s = Splits.of(TestData.names(), c.blockSize());
        float[] losses = new float[30];
        try (Parallel par = Parallel.onThisThread(threads)) {
            for (int i = 0; i < 30; i++) {
                losses[i] = st.step(Batch.draw(s.train(), c.batchSize(), g), 0.1f);
            }
            assertThat(par.splits()).as("jobs split over the threads").isEqualTo(threads == 1 ? 0 : 30 * 4);
        }
        return withLosses(st.parameters(), losses);
    }

    /** The trainable tensors, the running statistics and the step losses. */
    private static float[][] withLosses(Parameters p, float[] losses) {
        java.util.List<float[]> all = new java.util.ArrayList<>(p.trainable().stream().map(Tensor::data).toList());
        all.add(p.bnmean.data());
        all.add(p.bnstd.data());
        all.add(losses);
        return all.toArray(float[][]::new);
    }

    /** Steps of the WaveNet; checks that a split on two threads ran (14 phases a step, or 288 steps adaptive). */
    static float[][] waveNet(WaveNetConfig cfg, int threads, boolean adaptive, int steps) {
        Sequential m = WaveNet.build(cfg, 27, new TorchGenerator(cfg.seed()));
        SequentialStep st = new SequentialStep(m, cfg.batchSize(), cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed() + 1);
        Splits s = Splits.of(TestData.names(), cfg.blockSize());
        float[] losses = new float[steps];
        try (Parallel par = Parallel.onThisThread(threads, adaptive)) {
            for (int i = 0; i < steps; i++) {
                losses[i] = st.step(Batch.draw(s.train(), cfg.batchSize(), g), 0.1f);
            }
            int phases = 2 + 4 * cfg.levels();
            long split = threads == 1 ? 0 : (long) (adaptive ? (256 + 32) : steps) * phases;
            assertThat(par.splits()).as("phases split over the threads").isEqualTo(split);
        }
        st.syncParameters();
        java.util.List<float[]> all = new java.util.ArrayList<>();
        for (ninja.nn.Param q : m.params()) {
            all.add(q.value.data());
            all.add(q.grad.data());
        }
        m.buffers().forEach(q -> all.add(q.value.data()));
        all.add(losses);
        return all.toArray(float[][]::new);
    }
}
