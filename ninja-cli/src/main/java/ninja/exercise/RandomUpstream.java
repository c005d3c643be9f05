package ninja.exercise;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ninja.check.Graph;
import ninja.tensor.Tensor;

/**
 * Random upstream gradients, to grade each local step on more than the one upstream the real loss gives it. On
 * the real upstream dlogit_maxes is ~1e-9, so a dlogits without its logit_maxes branch, or a shortcut that holds
 * for this loss only (dlogit_maxes = 0, softmax minus one-hot as "dlogits" whatever its inputs), looks right. A
 * random upstream has every branch carry weight: all upstream gradients of a step get the same scale, the largest
 * RMS among that step's real upstream gradients.
 */
final class RandomUpstream {
    static final int TRIALS = 3;

    private RandomUpstream() {
    }

    /** Trial t's upstream gradient for every intermediate that some step receives, shaped as the real one. */
    static Map<String, Tensor> draw(Map<String, Tensor> real, int trial) {
        Map<String, Double> scale = new LinkedHashMap<>();
        for (List<String> ys : Graph.CONSUMERS.values()) {
            double s = 0;
            for (String y : ys) {
                s = Math.max(s, rms(real.get(y)));
            }
            for (String y : ys) {
                scale.merge(y, s, Math::max);
            }
        }
        SplittableRandom r = new SplittableRandom(0xb4c4 + trial);
        Map<String, Tensor> out = new LinkedHashMap<>();
        scale.forEach((y, s) -> {
            Tensor t = real.get(y);
            if (y.equals("loss") || t == null) {
                return;
            }
            float[] d = new float[t.numel()];
            double sd = s > 0 && Double.isFinite(s) ? s : 1e-2;
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (sd * gaussian(r));
            }
            out.put(y, Tensor.of(d, t.shape()));
        });
        return out;
    }

    /** The same upstream with every consumer of x but {@code keep} set to zero: one branch's term alone. */
    static Map<String, Tensor> onlyBranch(Map<String, Tensor> upstream, String x, String keep) {
        Map<String, Tensor> out = new LinkedHashMap<>(upstream);
        for (String y : Graph.CONSUMERS.get(x)) {
            if (!y.equals(keep) && out.containsKey(y)) {
                out.put(y, Tensor.zeros(out.get(y).shape()));
            }
        }
        return out;
    }

    private static double rms(Tensor t) {
        if (t == null) {
            return 0;
        }
        double s = 0;
        int k = 0;
        for (float v : t.data()) {
            if (Float.isFinite(v)) {
                s += (double) v * v;
                k++;
            }
        }
        return k == 0 ? 0 : Math.sqrt(s / k);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
