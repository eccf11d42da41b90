package org.dpl4j.tensor;

import java.util.List;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Gradients of a scalar with respect to exactly the tensors asked for ({@code torch.autograd.grad}):
 * nothing accumulates into {@code .grad}, nothing else is touched, and two threads may take
 * gradients at once, so an alpha step and a prompt step cannot leak into each other.
 */
public final class Grads {
    private Grads() {}

    /**
     * d loss / d each of {@code wrt}, in order; a tensor the loss does not depend on gets zeros
     * (never an undefined tensor).
     */
    public static List<Tensor> of(Tensor loss, List<Tensor> wrt) {
        return of(loss, new TensorVector(), wrt);
    }

    /**
     * The gradients of {@code <gradOutput, output>} (a vector-Jacobian product): d/d {@code wrt} of a loss
     * whose gradient with respect to the non-scalar {@code output} is {@code gradOutput} (same shape and
     * dtype). This is how a backward pass continues from a gradient computed elsewhere (the text side's
     * class chunks, docs/design.md §6.11).
     */
    public static List<Tensor> of(Tensor output, Tensor gradOutput, List<Tensor> wrt) {
        return of(output, new TensorVector(gradOutput), wrt);
    }

    private static List<Tensor> of(Tensor output, TensorVector gradOutputs, List<Tensor> wrt) {
        TensorVector grads = torch.grad(new TensorVector(output), new TensorVector(wrt.toArray(new Tensor[0])),
                gradOutputs, new BoolOptional(false), false, true);
        List<Tensor> out = Tensors.list(grads);
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).defined()) {
                out.set(i, torch.zeros_like(wrt.get(i)));
            }
        }
        return out;
    }
}
