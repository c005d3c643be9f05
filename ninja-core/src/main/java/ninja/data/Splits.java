package ninja.data;

import java.util.ArrayList;
import java.util.List;
import ninja.rng.PythonRandom;

/**
 * The notebook's split: {@code random.seed(42); random.shuffle(words)}, then 80% / 10% / 10% of the words,
 * with {@code n1 = int(0.8*len(words))} and {@code n2 = int(0.9*len(words))}.
 */
public record Splits(Vocabulary vocab, List<String> shuffled, ContextDataset train, ContextDataset val,
        ContextDataset test) {

    public static final long SHUFFLE_SEED = 42;

    public static Splits of(Names names, int blockSize) {
        return of(names.words(), blockSize, SHUFFLE_SEED);
    }

    public static Splits of(List<String> words, int blockSize, long shuffleSeed) {
        Vocabulary vocab = Vocabulary.of(words);
        List<String> shuffled = new ArrayList<>(words);
        new PythonRandom(shuffleSeed).shuffle(shuffled);
        int n1 = (int) (0.8 * shuffled.size());
        int n2 = (int) (0.9 * shuffled.size());
        return new Splits(vocab, List.copyOf(shuffled),
                ContextDataset.build(shuffled.subList(0, n1), vocab, blockSize),
                ContextDataset.build(shuffled.subList(n1, n2), vocab, blockSize),
                ContextDataset.build(shuffled.subList(n2, shuffled.size()), vocab, blockSize));
    }

    /**
     * Every split must hold at least one name, or training fails late (an empty train split cannot draw a batch, an
     * empty val or test split cannot be evaluated). With the notebook's 80/10/10 cut that takes 6 names.
     */
    public void requireNonEmpty(String source) {
        int n = shuffled.size(), n1 = (int) (0.8 * n), n2 = (int) (0.9 * n);
        int[] words = {n1, n2 - n1, n - n2};
        String[] names = {"train", "val", "test"};
        for (int i = 0; i < 3; i++) {
            if (words[i] == 0) {
                throw new DataException(String.format("%s: the %s split is empty (%d names give train %d, val %d, test %d"
                        + " names: the notebook's 80/10/10 split); give at least 6 names", source, names[i], n, words[0],
                        words[1], words[2]));
            }
        }
    }

    public ContextDataset split(String name) {
        return switch (name) {
            case "train" -> train;
            case "val" -> val;
            case "test" -> test;
            default -> throw new IllegalArgumentException("no split named '" + name + "' (train, val, test)");
        };
    }
}
