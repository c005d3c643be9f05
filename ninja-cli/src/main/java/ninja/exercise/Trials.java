package ninja.exercise;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import ninja.check.GradientCheck;
import ninja.check.Graph;
import ninja.check.LocalVjp;
import ninja.check.Reference;
import ninja.check.Verdict;
import ninja.data.Batch;
import ninja.lecture.Activations;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * Each local step graded again on {@link RandomUpstream#TRIALS} random upstream gradients, against the reference's
 * vector-Jacobian product for that upstream ({@link LocalVjp}), with the float32 noise of a correct step on it;
 * and the branch hints: which branch's term alone a wrong step equals.
 */
final class Trials {
    private final LocalVjp vjp;
    private final Parameters p;
    private final Batch b;
    private final Map<String, Double> realNoise;
    private final Activations a;
    private final Map<String, Tensor> real;
    private final List<Map<String, Tensor>> upstream = new ArrayList<>();
    private final List<Reference.Result> expected = new ArrayList<>();
    private final List<Map<String, Double>> noise = new ArrayList<>();

    Trials(LocalVjp vjp, Parameters p, Batch b, Activations a, Map<String, Tensor> real, Map<String, Double> realNoise) {
        this.vjp = vjp;
        this.p = p;
        this.b = b;
        this.a = a;
        this.real = real;
        this.realNoise = realNoise;
    }

    /** The trials' upstreams, expected VJPs and noise, computed on first use (three reference VJP passes). */
    private void draw() {
        if (!upstream.isEmpty()) {
            return;
        }
        for (int t = 0; t < RandomUpstream.TRIALS; t++) {
            Map<String, Tensor> u = RandomUpstream.draw(real, t);
            upstream.add(u);
            expected.add(vjp.localVjps(p, b, u, Graph.EXERCISE1));
            noise.add(GradientCheck.localNoise(p, b, a, u));
        }
    }

    /**
     * Null when the step (right on the real upstream) is right on every random upstream too, else why not.
     *
     * @param call runs the learner's step on the given upstream gradients
     */
    String hereOnly(Step step, Tensor mineReal, Function<Map<String, Tensor>, Grader.Outcome> call) {
        String x = step.grad();
        draw();
        for (int t = 0; t < upstream.size(); t++) {
            Grader.Outcome o = call.apply(upstream.get(t));
            if (o.timedOut() || o.error() != null || !(o.value() instanceof Tensor mine)) {
                return "right on the real upstream gradient, but on a random one it "
                        + (o.timedOut() ? "did not finish" : o.error() != null ? "threw " + o.error() : "returned no tensor");
            }
            Tensor ref = expected.get(t).grads().get(x);
            int[] idx = expected.get(t).sampledIndices(x);
            double eps = noise.get(t).getOrDefault(x, 0.0);
            if (!mine.sameShape(ref) || !Verdict.of(Grader.picked(mine, idx), Grader.picked(ref, idx), eps).pass()) {
                return explain(step, upstream.get(t), mine, mineReal, ref, idx, eps);
            }
        }
        return null;
    }

    private String explain(Step step, Map<String, Tensor> u, Tensor mine, Tensor mineReal, Tensor ref, int[] idx,
            double eps) {
        String x = step.grad();
        String why = "right on the real upstream gradient only, wrong on a random one (rel. error "
                + (mine.sameShape(ref) ? Verdict.of(Grader.picked(mine, idx), Grader.picked(ref, idx), eps).rel() : "-")
                + "): ";
        if (x.equals("logit_maxes") && maxAbs(mine) == 0) {
            return why + "dlogit_maxes = 0 is the true value for this loss (softmax ignores a shift of its row), "
                    + "but not the chain rule of this step: dlogit_maxes = -dnorm_logits.sum(1, keepdim=True)";
        }
        String branch = mine.sameShape(ref) ? branch(step, mine, u, eps) : null;
        if (branch != null) {
            return why + branch;
        }
        if (mine.sameShape(mineReal) && java.util.Arrays.equals(mine.data(), mineReal.data())) {
            return why + "it does not change with its upstream gradient (d" + String.join(", d", step.upstream())
                    + "): a global shortcut that holds for this loss, not the chain rule of this step";
        }
        String pattern = mine.sameShape(ref) ? Hints.values(mine, ref, b.n(), null, eps) : Hints.shape(mine, ref);
        return why + pattern + " (a branch or term that is ~0 on the real upstream is missing or wrong)";
    }

    /** On the real upstream: the branch hint for a wrong step, or null. */
    String branchHint(Step step, Tensor mine, Map<String, Tensor> real) {
        if (step.exercise() != 1 || !real.keySet().containsAll(Graph.CONSUMERS.get(step.grad()))) {
            return null;
        }
        return branch(step, mine, real, realNoise.getOrDefault(step.grad(), 0.0));
    }

    /** "the branch through y is missing" when mine equals the term of one consumer alone. */
    private String branch(Step step, Tensor mine, Map<String, Tensor> u, double eps) {
        String x = step.grad();
        List<String> ys = Graph.CONSUMERS.get(x);
        if (ys.size() < 2) {
            return null;
        }
        for (String keep : ys) {
            Reference.Result r = vjp.localVjps(p, b, RandomUpstream.onlyBranch(u, x, keep), List.of(x));
            Tensor alone = r.grads().get(x);
            int[] idx = r.sampledIndices(x);
            if (maxAbs(alone) > 0 && Verdict.of(Grader.picked(mine, idx), Grader.picked(alone, idx), eps).pass()) {
                List<String> missing = ys.stream().filter(y -> !y.equals(keep)).toList();
                return "yours equals the term through " + keep + " alone: the branch through "
                        + String.join(", ", missing) + " is missing (add its d" + x + " += ...)";
            }
        }
        return null;
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.data()) {
            m = Float.isNaN(v) ? m : Math.max(m, Math.abs(v));
        }
        return m;
    }
}
