package ninja.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.lecture.Name;
import ninja.lecture.Weights;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;

/**
 * The model's parameters in the lecture's shapes, and batchnorm's running statistics.
 *
 * <pre>
 * C[V, E]  W1[B*E, H]  b1[H]  W2[H, V]  b2[V]  bngain[1, H]  bnbias[1, H]    buffers: bnmean[1, H]  bnstd[1, H]
 * </pre>
 */
public final class Parameters implements Weights {
    /** The trainable tensors' checkpoint names: the lecture's, {@link Name#PARAMETERS}. */
    public static final List<String> NAMES = Name.PARAMETERS.stream().map(Name::name).toList();

    public final Tensor C;
    public final Tensor W1;
    public final Tensor b1;
    public final Tensor W2;
    public final Tensor b2;
    public final Tensor bngain;
    public final Tensor bnbias;
    /** Running (or, after calibration, whole-training-set) mean of hprebn. */
    public final Tensor bnmean;
    /** Running (or calibrated) standard deviation of hprebn, unbiased. */
    public final Tensor bnstd;

    public Parameters(Tensor C, Tensor W1, Tensor b1, Tensor W2, Tensor b2, Tensor bngain, Tensor bnbias,
            Tensor bnmean, Tensor bnstd) {
        this.C = C;
        this.W1 = W1;
        this.b1 = b1;
        this.W2 = W2;
        this.b2 = b2;
        this.bngain = bngain;
        this.bnbias = bnbias;
        this.bnmean = bnmean;
        this.bnstd = bnstd;
    }

    /**
     * The lecture's initialisation, drawn from g in its order: C, W1, b1, W2, b2 (then bngain, bnbias for
     * {@link Config.BnInit#RANDN}). Scalar factors are applied as torch applies a Python float to a float32
     * tensor: rounded to float, one operation at a time.
     */
    public static Parameters init(Config cfg, int vocabSize, TorchGenerator g) {
        int e = cfg.nEmbd(), h = cfg.nHidden(), fanIn = cfg.fanIn();
        Tensor C = Tensor.of(g.randn(vocabSize * e), vocabSize, e);
        Tensor W1 = Tensor.of(g.randn(fanIn * h), fanIn, h);
        float kaimingGain = (float) (5.0 / 3.0);
        float kaimingDiv = (float) Math.pow(fanIn, 0.5);
        for (int i = 0; i < W1.numel(); i++) {
            W1.data()[i] = W1.data()[i] * kaimingGain / kaimingDiv;
        }
        Tensor b1 = scaled(g.randn(h), 0.1f, h);
        Tensor W2 = scaled(g.randn(h * vocabSize), 0.1f, h, vocabSize);
        Tensor b2 = scaled(g.randn(vocabSize), 0.1f, vocabSize);
        Tensor bngain;
        Tensor bnbias;
        if (cfg.bnInit() == Config.BnInit.RANDN) {
            bngain = scaled(g.randn(h), 0.1f, 1, h);
            for (int i = 0; i < h; i++) {
                bngain.data()[i] = bngain.data()[i] + 1.0f;
            }
            bnbias = scaled(g.randn(h), 0.1f, 1, h);
        } else {
            bngain = Tensor.full(1.0f * 0.1f + 1.0f, 1, h);
            bnbias = Tensor.zeros(1, h);
        }
        return new Parameters(C, W1, b1, W2, b2, bngain, bnbias, Tensor.zeros(1, h), Tensor.full(1f, 1, h));
    }

    private static Tensor scaled(float[] values, float s, int... shape) {
        for (int i = 0; i < values.length; i++) {
            values[i] = values[i] * s;
        }
        return Tensor.of(values, shape);
    }

    /** The seven trainable tensors in the lecture's order ({@link Name#PARAMETERS}). */
    public List<Tensor> trainable() {
        return Name.PARAMETERS.stream().map(this::get).toList();
    }

    /** A trainable tensor by its typed name. */
    @Override
    public Tensor get(Name name) {
        return switch (name) {
            case C -> C;
            case W1 -> W1;
            case b1 -> b1;
            case W2 -> W2;
            case b2 -> b2;
            case bngain -> bngain;
            case bnbias -> bnbias;
            default -> throw new IllegalArgumentException(name + " is an intermediate, not a parameter");
        };
    }

    /** Every tensor by its checkpoint name, trainable first, then the batchnorm buffers. */
    public Map<String, Tensor> byName() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        List<Tensor> t = trainable();
        for (int i = 0; i < NAMES.size(); i++) {
            m.put(NAMES.get(i), t.get(i));
        }
        m.put("bnmean", bnmean);
        m.put("bnstd", bnstd);
        return m;
    }

    public int count() {
        int n = 0;
        for (Tensor t : trainable()) {
            n += t.numel();
        }
        return n;
    }

    public Parameters copy() {
        return new Parameters(C.copy(), W1.copy(), b1.copy(), W2.copy(), b2.copy(), bngain.copy(), bnbias.copy(),
                bnmean.copy(), bnstd.copy());
    }

    public int vocabSize() {
        return C.dim(0);
    }

    public int nEmbd() {
        return C.dim(1);
    }

    public int nHidden() {
        return W1.dim(1);
    }

    public int blockSize() {
        return W1.dim(0) / C.dim(1);
    }
}
