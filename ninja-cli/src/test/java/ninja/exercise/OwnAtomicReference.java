package ninja.exercise;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.check.Fingerprint;
import ninja.check.Graph;
import ninja.check.LocalVjp;
import ninja.check.Reference;
import ninja.data.Batch;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * TEST ONLY: a {@link Reference} from the project's own atomic backward pass (ninja.model.Mlp, mode ATOMIC),
 * which ninja-torch checks against libtorch. The grader's tests use it because the real references (libtorch,
 * finite differences) live in other modules; never use it to check the model itself.
 */
final class OwnAtomicReference implements Reference, LocalVjp {
    @Override
    public String name() {
        return "own-atomic (test only)";
    }

    @Override
    public Result compute(Parameters p, Batch b) {
        Activations a = Mlp.forward(p, b);
        Grads g = Mlp.backward(p, b, a, Mlp.Mode.ATOMIC, Grads.chained());
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (String name : Graph.EXERCISE1) {
            grads.put(name, g.get(Name.of(name)));
        }
        return new Result(a.byName(), grads, a.get(Name.loss).item(), Fingerprint.of(p, b));
    }

    /** Each atomic step of the model's backward pass fed {@code upstream}: its local VJP. */
    @Override
    public Result localVjps(Parameters p, Batch b, Map<String, Tensor> upstream, List<String> tensors) {
        Activations a = Mlp.forward(p, b);
        Grads g = Mlp.backward(p, b, a, Mlp.Mode.ATOMIC, Grads.local(upstream));
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (String name : tensors) {
            grads.put(name, g.get(Name.of(name)));
        }
        return new Result(a.byName(), grads, a.get(Name.loss).item(), Fingerprint.of(p, b));
    }
}
