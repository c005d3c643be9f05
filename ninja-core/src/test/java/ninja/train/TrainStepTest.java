package ninja.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import ninja.check.Cmp;
import ninja.data.Batch;
import ninja.data.ContextDataset;
import ninja.data.Splits;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.model.Config;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import ninja.tensor.Simd;
import ninja.tensor.Tensor;
import ninja.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainStepTest {
    static Splits splits;

    @BeforeAll
    static void data() {
        splits = Splits.of(TestData.names(), 3);
    }

    static Parameters init(int hidden, int embd, long seed, Config.BnInit bn) {
        Config cfg = new Config("t", embd, hidden, 3, 32, seed, bn);
        return Parameters.init(cfg, splits.vocab().size(), new TorchGenerator(seed));
    }

    @ParameterizedTest(name = "hidden {0}, embd {1}, batch {2}")
    @CsvSource({"1, 10, 32", "7, 10, 5", "33, 3, 32", "64, 10, 32", "200, 10, 32", "200, 10, 37"})
    void gradientsMatchTheReadableFusedBackward(int hidden, int embd, int batch) {
        Parameters p = init(hidden, embd, 42 + hidden, Config.BnInit.RANDN);
        TorchGenerator g = new TorchGenerator(7);
        TrainStep fast = new TrainStep(p.copy(), batch);
        for (int step = 0; step < 3; step++) {
            Batch b = Batch.draw(splits.train(), batch, g);
            Parameters slow = fast.parameters().copy(); // both start each step from the same parameters
            Tensor[] mine = fast.gradients(b);
            Activations a = Mlp.forward(slow, b);
            Tensor[] ref = Mlp.parameterGrads(Mlp.backward(slow, b, a, Mlp.Mode.FUSED, Grads.chained()));
            assertThat(fast.lastLoss()).isCloseTo(a.get(Name.loss).item(), org.assertj.core.data.Offset.offset(1e-5f));
            for (int k = 0; k < ref.length; k++) {
                if (Parameters.NAMES.get(k).equals("b1")) {
                    // db1 = sum_0(dhprebn) is exactly 0 in real arithmetic (batchnorm subtracts the batch mean right
                    // after b1 is added), so both sides are rounding noise: compare sizes, not values
                    assertThat(maxAbs(mine[k])).isLessThan(1e-6);
                    assertThat(maxAbs(ref[k])).isLessThan(1e-6);
                    continue;
                }
                Cmp.Row row = Cmp.cmp(Parameters.NAMES.get(k), mine[k], ref[k]);
                assertThat(row.ok()).as(Simd.INSTANCE.name() + " " + row.format()).isTrue();
            }
            // take a step so later comparisons run on trained (less symmetric) parameters
            fast.step(b, 0.1f);
        }
    }

    static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.data()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void stepKeepsTheLectureLayoutInSyncAndUpdatesRunningStats() {
        Parameters p = init(16, 10, 1, Config.BnInit.CONSTANT);
        Parameters before = p.copy();
        TrainStep s = new TrainStep(p, 32);
        Batch b = Batch.draw(splits.train(), 32, new TorchGenerator(3));
        Tensor[] grads = s.gradients(b);
        float loss = s.step(b, 0.1f);
        assertThat(loss).isEqualTo(s.lastLoss());
        assertThat(p.W2.data()).as("W2 is written back on demand").isEqualTo(before.W2.data());
        assertThat(s.parameters()).isSameAs(p);
        float[] w2 = p.W2.data();
        for (int i = 0; i < w2.length; i++) {
            // vector path: one fused multiply-add; scalar: two roundings
            assertThat(w2[i]).isCloseTo(before.W2.data()[i] - 0.1f * grads[3].data()[i],
                    org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(p.bnmean.data()).isNotEqualTo(before.bnmean.data());
        assertThat(p.bnstd.data()).isNotEqualTo(before.bnstd.data());
    }

    @Test
    void twoRunsAreBitIdentical() {
        assertThat(train()).isEqualTo(train());
    }

    private static List<Object> train() {
        Parameters p = init(33, 10, 5, Config.BnInit.RANDN);
        TrainStep s = new TrainStep(p, 32);
        TorchGenerator g = new TorchGenerator(11);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            out.add(Float.floatToRawIntBits(s.step(Batch.draw(splits.train(), 32, g), 0.1f)));
        }
        for (Tensor t : s.parameters().byName().values()) {
            out.add(java.util.Arrays.toString(t.data()));
        }
        return out;
    }

    @Test
    void evaluationMatchesTheReadableForwardInEvalMode() {
        Parameters p = init(20, 10, 9, Config.BnInit.RANDN);
        // give the running statistics non-trivial values
        for (int j = 0; j < 20; j++) {
            p.bnmean.data()[j] = 0.1f * j - 1f;
            p.bnstd.data()[j] = 0.5f + 0.05f * j;
        }
        ContextDataset d = splits.val();
        double fast = Evaluation.loss(p, d);
        assertThat(fast).isCloseTo(readableEvalLoss(p, d), org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void evaluationOnTwoThreadsIsBitIdenticalToOne() {
        Parameters p = init(20, 10, 9, Config.BnInit.RANDN);
        ContextDataset d = splits.train(); // large enough for the second thread
        assertThat(d.size()).isGreaterThan(SequentialEval.PARALLEL_CHUNKS * SequentialEval.CHUNK);
        assertThat(Evaluation.loss(p, d, true)).isEqualTo(Evaluation.loss(p, d, false));
    }

    /** The lecture's split_loss, element by element in double: the independent check of Evaluation. */
    static double readableEvalLoss(Parameters p, ContextDataset d) {
        int e = p.nEmbd(), hid = p.nHidden(), v = p.vocabSize(), block = d.blockSize();
        double total = 0;
        for (int r = 0; r < d.size(); r++) {
            double[] h = new double[hid];
            for (int j = 0; j < hid; j++) {
                double s = p.b1.data()[j];
                for (int c = 0; c < block; c++) {
                    int ix = d.x()[r * block + c];
                    for (int k = 0; k < e; k++) {
                        s += (double) p.C.data()[ix * e + k] * p.W1.data()[(c * e + k) * hid + j];
                    }
                }
                double std = p.bnstd.data()[j];
                double pre = p.bngain.data()[j] * (s - p.bnmean.data()[j]) / Math.sqrt(std * std + 1e-5)
                        + p.bnbias.data()[j];
                h[j] = Math.tanh(pre);
            }
            double[] logits = new double[v];
            double max = Double.NEGATIVE_INFINITY;
            for (int o = 0; o < v; o++) {
                double s = p.b2.data()[o];
                for (int j = 0; j < hid; j++) {
                    s += h[j] * p.W2.data()[j * v + o];
                }
                logits[o] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            total += Math.log(sum) - (logits[d.y()[r]] - max);
        }
        return total / d.size();
    }
}
