package ninja.lecture;

import ninja.tensor.Tensor;

/** The MLP's learnable tensors by the lecture's names (C, W1, b1, W2, b2, bngain, bnbias): what its chunks read. */
public interface Weights {
    /** The tensor named {@code n}, a parameter. */
    Tensor get(Name n);
}
