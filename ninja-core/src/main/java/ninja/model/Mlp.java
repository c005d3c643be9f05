package ninja.model;

import static ninja.model.Name.*;

import java.util.List;
import ninja.nn.FlattenConsecutive;
import ninja.nn.NotebookBatchNorm;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.tensor.Tensor;

/**
 * The whole model, readable: the lecture's chunked forward pass and the manual backward pass, layer by layer.
 *
 * <pre>
 * Xb -> Embedding -> Linear(W1, b1) -> BatchNorm -> Tanh -> Linear(W2, b2) -> CrossEntropy -> loss
 * </pre>
 *
 * The fast path for training is {@link ninja.train.TrainStep}; both are checked against the references.
 */
public final class Mlp {
    private Mlp() {
    }

    /**
     * The same network as a list of the library's layers over p's tensors (so training them trains p): what the
     * fast training step, evaluation, calibration and sampling run.
     * <pre>
     * Embedding(C), FlattenConsecutive(block_size), Linear(W1, b1), NotebookBatchNorm(bngain, bnbias; bnmean, bnstd),
     * Tanh(), Linear(W2, b2)
     * </pre>
     */
    public static Sequential layers(Parameters p) {
        return new Sequential(List.of(
                new ninja.nn.Embedding(param(p, C)),
                new FlattenConsecutive(p.blockSize()),
                new ninja.nn.Linear(param(p, W1), param(p, b1)),
                new NotebookBatchNorm(param(p, bngain), param(p, bnbias),
                        new Param("bnmean", p.bnmean), new Param("bnstd", p.bnstd)),
                new ninja.nn.Tanh(),
                new ninja.nn.Linear(param(p, W2), param(p, b2)).transposedPlans()), false);
    }

    private static Param param(Parameters p, Name name) {
        return new Param(name.name(), p.get(name));
    }

    /** The layers' index of the pre-activations: Embedding, Flatten, Linear(W1) give hprebn. */
    public static final int HPREBN = 3;

    /** The lecture's forward pass in training mode (batch statistics), every intermediate kept. */
    public static Activations forward(Parameters p, Batch b) {
        Activations a = new Activations();
        Embedding.forward(p.C, b, a);                              // emb = C[Xb]; embcat = emb.view(n, -1)
        a.set(hprebn, Linear.forward(a.get(embcat), p.W1, p.b1));  // hprebn = embcat @ W1 + b1
        BatchNorm.forward(a, p.bngain, p.bnbias);                  // bnmeani ... hpreact
        a.set(h, Tanh.forward(a.get(hpreact)));                    // h = tanh(hpreact)
        a.set(logits, Linear.forward(a.get(h), p.W2, p.b2));       // logits = h @ W2 + b2
        CrossEntropy.forward(a, b.yb());                           // logit_maxes ... loss
        return a;
    }

    /** Which backward to run for the cross-entropy and batchnorm blocks. */
    public enum Mode {
        /** Exercise 1: every atomic step. */
        ATOMIC,
        /** Exercises 2 and 3: the fused cross-entropy and batchnorm backward. */
        FUSED
    }

    /** The manual backward pass, in reverse order of the forward, writing every gradient into g. */
    public static Grads backward(Parameters p, Batch b, Activations a, Mode mode, Grads g) {
        if (mode == Mode.ATOMIC) {
            CrossEntropy.backward(a, b.yb(), g);
        } else {
            CrossEntropy.fusedBackward(a.get(logits), b.yb(), g);
        }
        Linear.backward(logits, h, a.get(h), W2, p.W2, b2, g);
        Tanh.backward(a, g);
        if (mode == Mode.ATOMIC) {
            BatchNorm.backward(a, p.bngain, g);
        } else {
            BatchNorm.fusedBackward(a, p.bngain, g);
        }
        Linear.backward(hprebn, embcat, a.get(embcat), W1, p.W1, b1, g);
        Embedding.backward(p.C, b, g);
        return g;
    }

    /** The gradients of the seven trainable tensors, in {@link Name#PARAMETERS} order. */
    public static Tensor[] parameterGrads(Grads g) {
        return Name.PARAMETERS.stream().map(g::get).toArray(Tensor[]::new);
    }
}
