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
        return of(loss, wrt, false);
    }

    /**
     * As {@link #of(Tensor, List)}; with {@code retainGraph} the graph survives for another
     * gradient through its shared part (the chunked alpha step back-propagates the class text
     * features once per chunk).
     */
    public static List<Tensor> of(Tensor loss, List<Tensor> wrt, boolean retainGraph) {
        TensorVector grads = torch.grad(new TensorVector(loss), new TensorVector(wrt.toArray(new Tensor[0])),
                new TensorVector(), new BoolOptional(retainGraph), false, true);
        List<Tensor> out = Tensors.list(grads);
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).defined()) {
                out.set(i, torch.zeros_like(wrt.get(i)));
            }
        }
        return out;
    }
}
