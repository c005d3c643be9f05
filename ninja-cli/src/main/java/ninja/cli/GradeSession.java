package ninja.cli;

import java.time.Duration;
import java.util.function.Predicate;
import ninja.check.Reference;
import ninja.data.Batch;
import ninja.exercise.Grader;
import ninja.exercise.OnceReference;
import ninja.exercise.ReferenceLoader;
import ninja.exercise.Step;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.model.Start;

/**
 * What grading needs before the learner's file: the configuration, the notebook's parameters and first batch,
 * and the reference (started, and computed on first use, once: watch mode and the shell reuse it).
 */
record GradeSession(Config cfg, Parameters p, Batch b, Reference reference, Grader grader) {

    static GradeSession start(ModelOptions model, String referenceName, double timeoutSeconds) {
        Config cfg = model.config();
        Start<Parameters> start = Start.mlp(cfg, model.splits());
        Parameters p = start.model();
        Batch b = start.firstBatch(cfg.batchSize());
        Reference ref = OnceReference.of(ReferenceLoader.load(referenceName));
        return new GradeSession(cfg, p, b, ref, new Grader(ref, Duration.ofMillis(Math.round(timeoutSeconds * 1000))));
    }

    /** The reference's forward values and gradients on this session's batch (computed on the first call). */
    Reference.Result result() {
        return reference.compute(p, b);
    }

    Grader.Report grade(Class<?> learner, Predicate<Step> rows) {
        return grader.grade(learner, p, b, rows);
    }
}
