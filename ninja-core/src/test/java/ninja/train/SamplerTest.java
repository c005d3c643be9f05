package ninja.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import ninja.data.Vocabulary;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import org.junit.jupiter.api.Test;

class SamplerTest {

    @Test
    void softmaxIsADistribution() {
        float[] x = {1f, 2f, 3f, -100f, 50f, 50f};
        Sampler.softmax(x);
        double sum = 0;
        for (float v : x) {
            assertThat(v).isBetween(0f, 1f);
            sum += v;
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(x[4]).isEqualTo(x[5]);
    }

    @Test
    void samplesAreDeterministicAndFromTheVocabulary() {
        Vocabulary v = Vocabulary.fromString(".abcdefghijklmnopqrstuvwxyz");
        Parameters p = Parameters.init(Config.named("notebook"), v.size(), new TorchGenerator(1));
        List<String> a = new Sampler(p, v).sample(20, new TorchGenerator(Sampler.DEFAULT_SEED));
        List<String> b = new Sampler(p, v).sample(20, new TorchGenerator(Sampler.DEFAULT_SEED));
        assertThat(a).hasSize(20).isEqualTo(b);
        assertThat(a).allSatisfy(n -> assertThat(n).matches("[a-z]*"));
        List<String> c = new Sampler(p, v).sample(20, new TorchGenerator(1));
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void aModelThatAlwaysEndsGivesEmptyNames() {
        Vocabulary v = Vocabulary.fromString(".ab");
        Parameters p = Parameters.init(Config.named("notebook").with(2, 4, 2, null, null), v.size(), new TorchGenerator(1));
        java.util.Arrays.fill(p.W2.data(), 0f);
        p.b2.data()[0] = 100f;                                    // '.' has probability ~1
        assertThat(new Sampler(p, v).sample(3, new TorchGenerator(2))).containsExactly("", "", "");
    }
}
