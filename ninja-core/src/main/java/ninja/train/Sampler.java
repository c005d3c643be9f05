package ninja.train;

import java.util.ArrayList;
import java.util.List;
import ninja.data.Vocabulary;
import ninja.model.Parameters;
import ninja.rng.Multinomial;
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
    private final EvalForward forward;
    private final float[] logits;

    public Sampler(Parameters p, Vocabulary vocab) {
        if (vocab.size() != p.vocabSize()) {
            throw new IllegalArgumentException("vocabulary of " + vocab.size() + " characters, model of " + p.vocabSize());
        }
        this.p = p;
        this.vocab = vocab;
        this.forward = new EvalForward(p, 1);
        this.logits = new float[p.vocabSize()];
    }

    /** {@code count} names drawn with g, without the final '.'. */
    public List<String> sample(int count, TorchGenerator g) {
        List<String> names = new ArrayList<>(count);
        sample(count, g, names::add);
        return names;
    }

    /** The same names, handed one by one to {@code sink} as they are drawn; stops early when it returns false. */
    public void sample(int count, TorchGenerator g, java.util.function.Predicate<String> sink) {
        for (int k = 0; k < count; k++) {
            if (!sink.test(one(g))) {
                return;
            }
        }
    }

    private String one(TorchGenerator g) {
        int block = p.blockSize();
        int[] context = new int[block];                  // context = [0] * block_size
        int[] out = new int[MAX_LENGTH];
        int len = 0;
        while (len < MAX_LENGTH) {
            forward.logits(context, 1, logits);
            softmax(logits);                             // probs = F.softmax(logits, dim=1)
            int ix = Multinomial.sample(logits, g);      // torch.multinomial(probs, num_samples=1, generator=g)
            if (ix == Vocabulary.END) {
                break;
            }
            System.arraycopy(context, 1, context, 0, block - 1);   // context = context[1:] + [ix]
            context[block - 1] = ix;
            out[len++] = ix;
        }
        return vocab.decode(out, len);
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
