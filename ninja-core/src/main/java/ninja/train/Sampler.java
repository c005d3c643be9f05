package ninja.train;

import java.util.List;
import ninja.data.Vocabulary;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;

/**
 * The lecture's sampling loop: start from a context of '.', run the eval-mode forward pass for that one context,
 * {@code probs = F.softmax(logits, dim=1)}, {@code ix = torch.multinomial(probs, num_samples=1, generator=g)},
 * shift ix into the context, stop at '.'.
 */
public final class Sampler {
    /** The lecture's sampling seed: {@code torch.Generator().manual_seed(2147483647 + 10)}. */
    public static final long DEFAULT_SEED = 2147483647L + 10;
    /** A name stops here even without a '.', so a degenerate model cannot loop forever. */
    public static final int MAX_LENGTH = 1000;

    private final Parameters p;
    private final Vocabulary vocab;

    public Sampler(Parameters p, Vocabulary vocab) {
        if (vocab.size() != p.vocabSize()) {
            throw new IllegalArgumentException("vocabulary of " + vocab.size() + " characters, model of " + p.vocabSize());
        }
        this.p = p;
        this.vocab = vocab;
    }

    /** {@code count} names drawn with g, without the final '.' (the eval-mode forward of {@link Mlp#layers}). */
    public List<String> sample(int count, TorchGenerator g) {
        return SequentialEval.sample(Mlp.layers(p), vocab, p.blockSize(), count, g);
    }

    /** The same names, handed one by one to {@code sink} as they are drawn; stops early when it returns false. */
    public void sample(int count, TorchGenerator g, java.util.function.Predicate<String> sink) {
        SequentialEval.sample(Mlp.layers(p), vocab, p.blockSize(), count, g, sink);
    }

    /**
     * In place: {@code exp(x - max) * (1 / sum)}, in float, as ATen's softmax over the last dimension computes it
     * (the reciprocal of the sum, then a multiply); its vectorised sum may round differently in the last bit.
     */
    static void softmax(float[] x) {
        float max = x[0];
        for (float v : x) {
            max = Math.max(max, v);
        }
        float sum = 0f;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.exp(x[i] - max);
            sum += x[i];
        }
        float inv = 1 / sum;
        for (int i = 0; i < x.length; i++) {
            x[i] *= inv;
        }
    }
}
