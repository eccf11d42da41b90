package org.dpl4j.training.optim;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * An in-place first-order optimiser over named parameters, with its state exposed as named
 * tensors so that a checkpoint can hold it and a resumed run continues bit for bit. Gradients
 * are passed in (from {@link org.dpl4j.tensor.Grads#of}), never read from {@code .grad}: nothing
 * accumulates between steps, so there is nothing to zero.
 */
public interface Optimizer {

    /** Updates every parameter from {@code grads} (same names) at learning rate {@code lr}, outside autograd. */
    void step(Map<String, Tensor> params, Map<String, Tensor> grads, float lr);

    /** Optimiser state as named tensors (copies), for checkpoints. */
    Map<String, Tensor> state();

    /** Restores a state produced by {@link #state()}. */
    void load(Map<String, Tensor> state);
}
