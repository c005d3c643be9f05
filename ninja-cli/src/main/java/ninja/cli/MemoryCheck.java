package ninja.cli;

import ninja.model.Config;
import ninja.train.MemoryNeeds;

/** Refuses, before any work, a configuration the Java heap cannot hold (exit 2, naming the flag and the sizes). */
final class MemoryCheck {
    private MemoryCheck() {
    }

    static void forTraining(Config c, int vocab) {
        MemoryNeeds m = MemoryNeeds.of(c, vocab);
        check(c, vocab, m, m.forTraining(), String.format("parameters %s, training %s, evaluation %s, checkpoints %s",
                MemoryNeeds.gb(m.parameters()), MemoryNeeds.gb(m.training()), MemoryNeeds.gb(m.evaluation()),
                MemoryNeeds.gb(m.checkpoints())));
    }

    static void forTraining(ninja.model.WaveNetConfig c, int vocab) {
        MemoryNeeds m = MemoryNeeds.of(c, vocab);
        String flag = "--hidden " + c.nHidden();
        if (m.largestArray() > MemoryNeeds.MAX_ARRAY) {
            throw new Errors.UserError(String.format("%s is too large: %s would be one array of %,d floats, more than"
                    + " Java's limit of %,d", flag, m.largestArrayName(), m.largestArray(), MemoryNeeds.MAX_ARRAY));
        }
        refuse(flag, m.forTraining(), String.format("parameters %s, training %s, evaluation %s, checkpoints %s",
                MemoryNeeds.gb(m.parameters()), MemoryNeeds.gb(m.training()), MemoryNeeds.gb(m.evaluation()),
                MemoryNeeds.gb(m.checkpoints())));
    }

    static void forEvaluation(Config c, int vocab) {
        MemoryNeeds m = MemoryNeeds.of(c, vocab);
        check(c, vocab, m, m.forEvaluation(), String.format("parameters %s, evaluation %s",
                MemoryNeeds.gb(m.parameters()), MemoryNeeds.gb(m.evaluation())));
    }

    private static void check(Config c, int vocab, MemoryNeeds m, long need, String parts) {
        String flag = m.batchDominates(c, vocab) ? "--batch " + c.batchSize() : "--hidden " + c.nHidden();
        if (m.largestArray() > MemoryNeeds.MAX_ARRAY) {
            throw new Errors.UserError(String.format("%s is too large: %s would be one array of %,d floats, more than"
                    + " Java's limit of %,d", flag, m.largestArrayName(), m.largestArray(), MemoryNeeds.MAX_ARRAY));
        }
        refuse(flag, need, parts);
    }

    private static void refuse(String flag, long need, String parts) {
        if (!MemoryNeeds.fits(need)) {
            throw new Errors.UserError(String.format("%s needs about %s of memory (%s) but the Java heap has %s free"
                    + " (of %s): use a smaller %s, or a larger heap (NINJA_JAVA_OPTS=-Xmx...)", flag,
                    MemoryNeeds.gb(need), parts, MemoryNeeds.gb(MemoryNeeds.heapAvailable()),
                    MemoryNeeds.gb(Runtime.getRuntime().maxMemory()), flag.split(" ")[0]));
        }
    }
}
