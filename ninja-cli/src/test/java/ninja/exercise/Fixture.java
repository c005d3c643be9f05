package ninja.exercise;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import ninja.data.Batch;
import ninja.data.Splits;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import ninja.testing.TestData;

/** The notebook's parameters and first batch, and a one-call compile-and-grade against the test-only reference. */
final class Fixture {
    static final Config CFG = Config.named("notebook");
    static final Parameters P;
    static final Batch B;

    static {
        Splits s = Splits.of(TestData.names(), CFG.blockSize());
        TorchGenerator g = new TorchGenerator(CFG.seed());
        P = Parameters.init(CFG, s.vocab().size(), g);
        B = Batch.draw(s.train(), CFG.batchSize(), g);
    }

    private Fixture() {
    }

    static Class<?> compile(String className, String source) throws LearnerCompiler.CompileError {
        return LearnerCompiler.compile(Path.of(className + ".java"), source, className);
    }

    /** The solution with the given method bodies replaced. */
    static String solutionWith(String className, Map<String, String> bodies) {
        return ExerciseTemplate.render(className, true, bodies);
    }

    static Grader.Report grade(Class<?> learner, Duration timeout) {
        return new Grader(new OwnAtomicReference(), timeout).grade(learner, P, B);
    }

    static Grader.Row row(Grader.Report r, String method) {
        return r.rows().stream().filter(x -> x.step().method().equals(method)).findFirst().orElseThrow();
    }
}
