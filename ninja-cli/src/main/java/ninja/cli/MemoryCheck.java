package ninja.cli;

import ninja.model.Config;
import ninja.model.ModelConfig;
import ninja.model.WaveNetConfig;
import ninja.train.MemoryNeeds;

/** Refuses, before any work, a configuration the Java heap cannot hold (exit 2, naming the flag and the sizes). */
final class MemoryCheck {
    private MemoryCheck() {
    }

    static void forTraining(ModelConfig c, int vocab) {
        MemoryNeeds m = needs(c, vocab);
        check(flag(c, vocab, m), m, m.forTraining(), String.format(
                "parameters %s, training %s, evaluation %s, checkpoints %s", MemoryNeeds.gb(m.parameters()),
                MemoryNeeds.gb(m.training()), MemoryNeeds.gb(m.evaluation()), MemoryNeeds.gb(m.checkpoints())));
    }

    static void forEvaluation(ModelConfig c, int vocab) {
        MemoryNeeds m = needs(c, vocab);
        check(flag(c, vocab, m), m, m.forEvaluation(), String.format("parameters %s, evaluation %s",
                MemoryNeeds.gb(m.parameters()), MemoryNeeds.gb(m.evaluation())));
    }

    private static MemoryNeeds needs(ModelConfig c, int vocab) {
        return c instanceof WaveNetConfig w ? MemoryNeeds.of(w, vocab) : MemoryNeeds.of((Config) c, vocab);
    }

    /** The flag to make smaller: --batch where the batch's activations dominate (the MLP only), else --hidden. */
    private static String flag(ModelConfig c, int vocab, MemoryNeeds m) {
        return c instanceof Config k && m.batchDominates(k, vocab) ? "--batch " + c.batchSize() : "--hidden " + c.nHidden();
    }

    private static void check(String flag, MemoryNeeds m, long need, String parts) {
        if (m.largestArray() > MemoryNeeds.MAX_ARRAY) {
            throw new Errors.UserError(String.format("%s is too large: %s would be one array of %,d floats, more than"
                    + " Java's limit of %,d", flag, m.largestArrayName(), m.largestArray(), MemoryNeeds.MAX_ARRAY));
        }
        if (!MemoryNeeds.fits(need)) {
            throw new Errors.UserError(String.format("%s needs about %s of memory (%s) but the Java heap has %s free"
                    + " (of %s): use a smaller %s, or a larger heap (NINJA_JAVA_OPTS=-Xmx...)", flag,
                    MemoryNeeds.gb(need), parts, MemoryNeeds.gb(MemoryNeeds.heapAvailable()),
                    MemoryNeeds.gb(Runtime.getRuntime().maxMemory()), flag.split(" ")[0]));
        }
    }
}
