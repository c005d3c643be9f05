package ninja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import ninja.data.Vocabulary;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;
import ninja.model.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    static final Config CFG = Config.named("notebook").with(4, 8, 3, 32, null);
    static final Vocabulary VOCAB = Vocabulary.fromString(".abcde");

    static Checkpoint sample(boolean calibrated) {
        TorchGenerator g = new TorchGenerator(5);
        Parameters p = Parameters.init(CFG, VOCAB.size(), g);
        g.randn(3);                                           // leaves a cached normal in the state
        Tensor rm = calibrated ? Tensor.full(0.5f, 1, 8) : null;
        Tensor rs = calibrated ? Tensor.full(2f, 1, 8) : null;
        return new Checkpoint(CFG, VOCAB, p, rm, rs, 123, new Schedule(0.1f, 0.01f, 100), g.state());
    }

    @Test
    void roundTripsEverything(@TempDir Path dir) throws Exception {
        for (boolean calibrated : new boolean[] {false, true}) {
            Checkpoint ck = sample(calibrated);
            Path f = dir.resolve("ck" + calibrated + ".safetensors");
            ck.write(f);
            Checkpoint back = Checkpoint.read(f);
            assertThat(back.config()).isEqualTo(CFG);
            assertThat(back.vocab()).isEqualTo(VOCAB);
            assertThat(back.step()).isEqualTo(123);
            assertThat(back.schedule()).isEqualTo(ck.schedule());
            assertThat(back.generator()).isEqualTo(ck.generator());
            assertThat(back.calibrated()).isEqualTo(calibrated);
            for (var e : ck.params().byName().entrySet()) {
                assertThat(back.params().byName().get(e.getKey()).data()).as(e.getKey()).isEqualTo(e.getValue().data());
            }
            // the restored generator continues the same stream
            TorchGenerator a = new TorchGenerator(0);
            a.setState(ck.generator());
            TorchGenerator b = new TorchGenerator(0);
            b.setState(back.generator());
            assertThat(b.randn(5)).isEqualTo(a.randn(5));
            if (calibrated) {
                assertThat(back.forTraining().bnstd.data()).containsOnly(2f);
            }
        }
    }

    @Test
    void refusesAForeignSafetensorsFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("foreign.safetensors");
        Safetensors.write(f, Map.of("weight", Tensor.zeros(2, 2)), Map.of("format", "pt"));
        assertThatThrownBy(() -> Checkpoint.read(f)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining("not a backprop-ninja checkpoint");
    }

    @Test
    void refusesShapesThatDisagreeWithTheMetadata(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.safetensors");
        sample(false).write(good);
        Safetensors.Contents c = Safetensors.read(good);
        Map<String, Tensor> t = new LinkedHashMap<>(c.tensors());
        t.put("W1", Tensor.zeros(12, 9));
        Path bad = dir.resolve("bad.safetensors");
        Safetensors.write(bad, t, c.metadata());
        assertThatThrownBy(() -> Checkpoint.read(bad)).hasMessageContaining("tensor W1 has shape [12, 9]")
                .hasMessageContaining("[12, 8]");

        Map<String, String> m = new LinkedHashMap<>(c.metadata());
        m.put("vocabulary", ".abcdef");
        Safetensors.write(bad, c.tensors(), m);
        assertThatThrownBy(() -> Checkpoint.read(bad)).hasMessageContaining("tensor C has shape [6, 4]");

        m = new LinkedHashMap<>(c.metadata());
        m.remove("generator");
        Safetensors.write(bad, c.tensors(), m);
        assertThatThrownBy(() -> Checkpoint.read(bad)).hasMessageContaining("missing metadata \"generator\"");

        m = new LinkedHashMap<>(c.metadata());
        m.put("n_hidden", "eight");
        Safetensors.write(bad, c.tensors(), m);
        assertThatThrownBy(() -> Checkpoint.read(bad)).hasMessageContaining("n_hidden is \"eight\"");
    }

    @Test
    void namesAVocabularyMismatch(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ck.safetensors");
        sample(false).write(f);
        Checkpoint ck = Checkpoint.read(f);
        assertThatThrownBy(() -> ck.checkVocabulary(f, Vocabulary.fromString(".abcdz"), "other.txt"))
                .hasMessageContaining("vocabulary mismatch").hasMessageContaining("other.txt").hasMessageContaining(".abcdz");
        ck.checkVocabulary(f, VOCAB, "same.txt");
        assertThat(Files.size(f)).isPositive();
    }
}
