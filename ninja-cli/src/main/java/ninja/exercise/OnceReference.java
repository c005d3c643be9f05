package ninja.exercise;

import ninja.check.Reference;
import ninja.model.Batch;
import ninja.model.Parameters;

/**
 * A reference computed once and then remembered: watch mode and the shell grade the same parameters and batch
 * again and again. A call with other parameters or another batch gets the first result, whose fingerprint the
 * grader checks, so it fails loudly rather than comparing against the wrong gradients.
 */
public final class OnceReference implements Reference {
    private final Reference inner;
    private Result result;

    public OnceReference(Reference inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public synchronized Result compute(Parameters p, Batch b) {
        if (result == null) {
            result = inner.compute(p, b);
        }
        return result;
    }
}
