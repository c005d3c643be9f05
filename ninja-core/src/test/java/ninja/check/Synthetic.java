package ninja.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ninja.data.Batch;
import ninja.data.ContextDataset;
import ninja.data.Vocabulary;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;

/** A tiny model on random words over a small alphabet: no names.txt needed. */
record Synthetic(Parameters p, Batch b) {

    static Synthetic of(int alphabet, int embd, int hidden, int block, int batch, long seed, Config.BnInit bn) {
        Random r = new Random(seed);
        List<String> words = new ArrayList<>();
        for (int w = 0; w < 40; w++) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0, len = 1 + r.nextInt(6); c < len; c++) {
                sb.append((char) ('a' + r.nextInt(alphabet)));
            }
            words.add(sb.toString());
        }
        Vocabulary vocab = Vocabulary.of(words);
        ContextDataset data = ContextDataset.build(words, vocab, block);
        Config cfg = new Config("test", embd, hidden, block, batch, seed, bn);
        TorchGenerator g = new TorchGenerator(seed);
        Parameters p = Parameters.init(cfg, vocab.size(), g);
        return new Synthetic(p, Batch.draw(data, batch, g));
    }

    static Synthetic small() {
        return of(5, 3, 12, 3, 8, 7, Config.BnInit.RANDN);
    }
}
