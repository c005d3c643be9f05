package ninja.model;

import static ninja.lecture.Name.*;

import java.util.List;
import ninja.data.Batch;
import ninja.lecture.Activations;
import ninja.lecture.Grads;
import ninja.lecture.Name;
import ninja.nn.CrossEntropyLoss;
import ninja.nn.FlattenConsecutive;
import ninja.nn.NotebookBatchNorm;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.tensor.BatchNormKernels;
import ninja.tensor.CrossEntropyKernels;
import ninja.tensor.Tensor;

/**
 * The notebook's MLP, defined once as a list of layers ({@link #layers}) over the tensors named in {@link Name}; and
 * its readable form: the lecture's chunked forward pass and the manual backward pass, layer by layer.
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

    /**
     * The lecture's forward pass in training mode (batch statistics), every intermediate kept: the readable version
     * of {@link #layers}, each layer's chunks beside its plan in its own file.
     */
    public static Activations forward(Parameters p, Batch b) {
        Activations a = new Activations();
        ninja.nn.Embedding.lectureForward(p, b, a);          // emb = C[Xb]; embcat = emb.view(n, -1)
        ninja.nn.Linear.lectureForward(hprebn, p, a);         // hprebn = embcat @ W1 + b1
        NotebookBatchNorm.lectureForward(p, a);               // bnmeani ... hpreact
        ninja.nn.Tanh.lectureForward(h, a);                   // h = tanh(hpreact)
        ninja.nn.Linear.lectureForward(logits, p, a);         // logits = h @ W2 + b2
        CrossEntropyLoss.lectureForward(a, b.yb());           // logit_maxes ... loss
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
            CrossEntropyLoss.lectureBackward(a, b.yb(), g);
        } else {
            CrossEntropyLoss.lectureFusedBackward(a, b.yb(), g);
        }
        ninja.nn.Linear.lectureBackward(logits, p, a, g);
        ninja.nn.Tanh.lectureBackward(h, a, g);
        if (mode == Mode.ATOMIC) {
            NotebookBatchNorm.lectureBackward(p, a, g);
        } else {
            NotebookBatchNorm.lectureFusedBackward(p, a, g);
        }
        ninja.nn.Linear.lectureBackward(hprebn, p, a, g);
        ninja.nn.Embedding.lectureBackward(p, b, g);
        return g;
    }

    /** The gradients of the seven trainable tensors, in {@link Name#PARAMETERS} order. */
    public static Tensor[] parameterGrads(Grads g) {
        return Name.PARAMETERS.stream().map(g::get).toArray(Tensor[]::new);
    }
}
