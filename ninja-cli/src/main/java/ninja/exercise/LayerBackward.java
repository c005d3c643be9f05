package ninja.exercise;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.nn.BatchNorm1d;
import ninja.nn.Embedding;
import ninja.nn.FlattenConsecutive;
import ninja.nn.Layer;
import ninja.nn.Linear;
import ninja.nn.Param;
import ninja.nn.Tanh;
import ninja.tensor.Tensor;

/**
 * Exercise 5's six blanks: for each kind of layer, the learner's method, what it receives (copies of what the
 * layer's forward saw and kept, and dout) and the gradients it returns, by name: a Tensor for one gradient, a
 * record ({@code LinearGrads(dx, dweight, dbias)}) for several.
 */
enum LayerBackward {
    CROSS_ENTROPY("crossEntropyBackward", "dlogits"),
    LINEAR("linearBackward", "dx", "dweight", "dbias"),
    BATCHNORM("batchNormBackward", "dx", "dgamma", "dbeta"),
    TANH("tanhBackward", "dx"),
    FLATTEN("flattenConsecutiveBackward", "dx"),
    EMBEDDING("embeddingBackward", "dweight");

    final String method;
    final List<String> grads;

    LayerBackward(String method, String... grads) {
        this.method = method;
        this.grads = List.of(grads);
    }

    /**
     * What one layer's forward saw and kept: its input x (the logits for the cross-entropy, the indices as floats
     * for an Embedding), its output, batchnorm's xhat and xvar_inv, the targets for the cross-entropy.
     */
    record Forward(Layer layer, Tensor x, Tensor out, Tensor xhat, Tensor xvarInv, int[] y) {
        LayerBackward kind() {
            return of(layer);
        }
    }

    /** The kind of a layer of the library; null is the cross-entropy. */
    static LayerBackward of(Layer l) {
        if (l == null) {
            return CROSS_ENTROPY;
        }
        if (l instanceof Linear) {
            return LINEAR;
        }
        if (l instanceof BatchNorm1d) {
            return BATCHNORM;
        }
        if (l instanceof Tanh) {
            return TANH;
        }
        if (l instanceof FlattenConsecutive) {
            return FLATTEN;
        }
        if (l instanceof Embedding) {
            return EMBEDDING;
        }
        throw new IllegalArgumentException("Exercise 5 has no backward for " + l.describe());
    }

    /** Whether a compiled class is an Exercise 5 file (it declares every method above). */
    static boolean declaredBy(Class<?> learner) {
        for (LayerBackward k : values()) {
            if (k.method(learner) == null) {
                return false;
            }
        }
        return true;
    }

    /** The learner's public instance method for this kind, or null. */
    Method method(Class<?> learner) {
        for (Method m : learner.getMethods()) {
            if (m.getName().equals(method) && !Modifier.isStatic(m.getModifiers())) {
                return m;
            }
        }
        return null;
    }

    /** The method's arguments: copies, so that nothing the learner's code changes reaches the model or another row. */
    Object[] args(Forward f, Tensor dout) {
        return switch (this) {
            case CROSS_ENTROPY -> new Object[] {f.x().copy(), f.y().clone(), dout.item()};
            case LINEAR -> {
                Linear l = (Linear) f.layer();
                yield new Object[] {f.x().copy(), l.weight.value.copy(), l.bias == null ? null : l.bias.value.copy(),
                        dout.copy()};
            }
            case BATCHNORM -> new Object[] {f.xhat().copy(), f.xvarInv().copy(),
                    ((BatchNorm1d) f.layer()).gamma.value.copy(), dout.copy()};
            case TANH -> new Object[] {f.out().copy(), dout.copy()};
            case FLATTEN -> new Object[] {f.x().copy(), dout.copy()};
            case EMBEDDING -> new Object[] {indices(f.x()), ((Embedding) f.layer()).weight.value.copy(), dout.copy()};
        };
    }

    /** The gradients this layer has, by name, each with the tensor it must be shaped as (dbias only with a bias). */
    static Map<String, Tensor> shapes(Forward f) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        LayerBackward k = f.kind();
        if (k != EMBEDDING) {
            m.put(k.grads.get(0), f.x());
        }
        for (Param p : f.layer() == null ? List.<Param>of() : f.layer().params()) {
            m.put(gradName(p), p.value);
        }
        return m;
    }

    /** "dweight" for layers.2.weight: the name the learner's record gives a parameter's gradient. */
    static String gradName(Param p) {
        return "d" + p.name().substring(p.name().lastIndexOf('.') + 1);
    }

    /**
     * What the learner's method returned, by gradient name: a null return is no gradient at all, a null record
     * component is that gradient missing.
     */
    Map<String, Tensor> unpack(Object returned) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (returned instanceof Tensor t) {
            m.put(grads.get(0), t);
        } else if (returned != null && returned.getClass().isRecord()) {
            for (RecordComponent c : returned.getClass().getRecordComponents()) {
                try {
                    c.getAccessor().setAccessible(true);
                    if (c.getAccessor().invoke(returned) instanceof Tensor t && grads.contains(c.getName())) {
                        m.put(c.getName(), t);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + c.getName() + " of " + returned.getClass(), e);
                }
            }
        }
        return m;
    }

    static int[] indices(Tensor x) {
        int[] ix = new int[x.numel()];
        for (int i = 0; i < ix.length; i++) {
            ix[i] = (int) x.data()[i];
        }
        return ix;
    }
}
