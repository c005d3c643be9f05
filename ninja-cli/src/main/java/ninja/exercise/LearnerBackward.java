package ninja.exercise;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import ninja.nn.BatchNorm1d;
import ninja.nn.Layer;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.nn.StepBackward;
import ninja.tensor.Tensor;

/**
 * {@code exercise train}: the backward pass of a training step done by the learner's Exercise 5 methods, from
 * the loss back to the embedding: {@code dlogits = crossEntropyBackward(logits, Yb, 1)}, then each layer's method
 * on what its forward saw and kept, its dx the next one's dout. Every gradient is checked for its shape before
 * it becomes a parameter's grad, so a wrong shape stops the run naming the layer.
 */
public final class LearnerBackward implements StepBackward {
    private final Object learner;
    private final List<Layer> layers;
    private final Map<LayerBackward, Method> methods = new EnumMap<>(LayerBackward.class);

    /** The learner's backward for this model's layers. */
    public LearnerBackward(Class<?> learnerClass, Sequential model) {
        this.layers = model.layers();
        if (!LayerGrader.isLayers(learnerClass)) {
            throw new IllegalArgumentException(learnerClass.getSimpleName() + ".java is not an Exercise 5 file (it"
                    + " lacks the layers' backward methods; start from ./ninja exercise new DIR --layers)");
        }
        try {
            this.learner = learnerClass.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot create a " + learnerClass.getSimpleName() + ": " + e, e);
        }
        for (LayerBackward k : LayerBackward.values()) {
            methods.put(k, k.method(learnerClass));
        }
    }

    @Override
    public void backward(Sequential.SequentialPlan plan, Tensor xb, int[] yb) {
        LayerBackward.Forward logits = new LayerBackward.Forward(null, plan.out(), null, null, null, yb);
        Tensor dout = call(logits, Tensor.scalar(1f), "cross_entropy").get("dlogits");
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            Layer.Plan p = plan.layer(i);
            BatchNorm1d.Saved bn = p instanceof BatchNorm1d.Saved s ? s : null;
            LayerBackward.Forward f = new LayerBackward.Forward(l, i == 0 ? xb : plan.layer(i - 1).out(), p.out(),
                    bn == null ? null : bn.xhat(), bn == null ? null : bn.xvarInv(), null);
            Map<String, Tensor> g = call(f, dout, "layers." + i + " " + l.describe());
            for (Param q : l.params()) {
                System.arraycopy(g.get(LayerBackward.gradName(q)).data(), 0, q.grad.data(), 0, q.numel());
            }
            dout = g.get("dx");
        }
    }

    /** The learner's gradients for one layer, each present and shaped as its tensor. */
    private Map<String, Tensor> call(LayerBackward.Forward f, Tensor dout, String where) {
        LayerBackward k = f.kind();
        Object returned;
        try {
            returned = methods.get(k).invoke(learner, k.args(f, dout));
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("your " + k.method + " threw for " + where + ": "
                    + Grader.describe(e.getCause(), learner.getClass()), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Tensor> g = k.unpack(returned);
        LayerBackward.shapes(f).forEach((name, like) -> {
            Tensor t = g.get(name);
            if (t == null) {
                throw new IllegalStateException("your " + k.method + " returned no " + name + " for " + where
                        + " (not written yet? grade it first: ./ninja exercise grade FILE)");
            }
            if (!t.sameShape(like)) {
                throw new IllegalStateException("your " + k.method + " returned " + name + " " + t.shapeString()
                        + " for " + where + ", which needs " + like.shapeString());
            }
        });
        return g;
    }
}
