package ninja.exercise;

import java.util.List;

/**
 * One blank of the exercise file: the learner's method {@code method(Acts a, upstream...)} returns the gradient
 * of the loss with respect to {@code grad}; the grader compares it with the reference's gradient of that tensor.
 *
 * @param row the row's name in the table (the lecture's cmp name)
 * @param method the method in the exercise file
 * @param grad the tensor whose gradient it returns, a key of the reference's gradients
 * @param upstream the tensors whose gradients it receives, in the method's parameter order
 * @param exercise 1, 2 or 3
 */
public record Step(String row, String method, String grad, List<String> upstream, int exercise) {

    /** The method's signature as the learner reads it, e.g. {@code Tensor dprobs(Acts a, Tensor dlogprobs)}. */
    public String signature() {
        StringBuilder sb = new StringBuilder("Tensor ").append(method).append("(Acts a");
        for (String u : upstream) {
            sb.append(", Tensor d").append(u);
        }
        return sb.append(')').toString();
    }
}
