package ninja.exercise;

import java.util.LinkedHashMap;
import java.util.Map;
import ninja.check.LayerFdVjp;
import ninja.check.ReferenceUnavailable;
import ninja.nn.Param;
import ninja.reference.TorchLayers;
import ninja.tensor.Tensor;

/**
 * Exercise 5's reference: one layer's vector-Jacobian product at the layer's forward input, for a given upstream
 * gradient, by the learner's gradient names ({@code dx}, {@code dweight}, ...): libtorch autograd of the same
 * layer ({@link TorchLayers#vjp}) or float64 finite differences of its own forward ({@link LayerFdVjp}).
 */
abstract class LayerVjps {
    /** The reference's gradients, and for a gradient known at some elements only, their sorted flat indices. */
    record Expected(Map<String, Tensor> grads, Map<String, int[]> sampled) {
    }

    abstract String name();

    abstract Expected vjp(LayerBackward.Forward f, Tensor dout);

    /** "torch" (started here: {@link ReferenceUnavailable} when libtorch cannot load) or "fd". */
    static LayerVjps load(String name) {
        return switch (name) {
            case "torch" -> torch();
            case "fd" -> new Fd();
            default -> throw new IllegalArgumentException("no reference named '" + name + "' (choose torch or fd)");
        };
    }

    private static LayerVjps torch() {
        try {
            TorchLayers.crossEntropyVjp(Tensor.zeros(1, 2), new int[] {0}, 1f); // loads libtorch now, not mid-table
        } catch (RuntimeException | LinkageError e) {
            throw new ReferenceUnavailable("torch", e);
        }
        return new LayerVjps() {
            @Override
            String name() {
                return "torch";
            }

            @Override
            Expected vjp(LayerBackward.Forward f, Tensor dout) {
                if (f.layer() == null) {
                    return new Expected(Map.of("dlogits", TorchLayers.crossEntropyVjp(f.x(), f.y(), dout.item())),
                            Map.of());
                }
                TorchLayers.Vjp v = TorchLayers.vjp(f.layer(), f.x(), dout);
                Map<String, Tensor> g = new LinkedHashMap<>();
                if (v.dinput() != null) {
                    g.put("dx", v.dinput());
                }
                v.dparams().forEach((p, t) -> g.put(LayerBackward.gradName(p), t));
                return new Expected(g, Map.of());
            }
        };
    }

    /** Finite differences: every element of the cross-entropy's dlogits, 64 sampled ones of a larger tensor. */
    private static final class Fd extends LayerVjps {
        static final int SAMPLES = 64;

        @Override
        String name() {
            return "fd";
        }

        @Override
        Expected vjp(LayerBackward.Forward f, Tensor dout) {
            if (f.layer() == null) {
                return new Expected(Map.of("dlogits", LayerFdVjp.crossEntropy(f.x(), f.y(), dout.item())), Map.of());
            }
            LayerFdVjp.Result r = LayerFdVjp.vjp(f.layer(), f.x(), dout, SAMPLES);
            Map<String, Tensor> g = new LinkedHashMap<>();
            Map<String, int[]> sampled = new LinkedHashMap<>();
            if (r.dinput() != null) {
                g.put("dx", r.dinput());
                if (r.sampled().containsKey(f.layer())) {
                    sampled.put("dx", r.sampled().get(f.layer()));
                }
            }
            for (Param p : f.layer().params()) {
                g.put(LayerBackward.gradName(p), r.dparams().get(p));
                if (r.sampled().containsKey(p)) {
                    sampled.put(LayerBackward.gradName(p), r.sampled().get(p));
                }
            }
            return new Expected(g, sampled);
        }
    }
}
