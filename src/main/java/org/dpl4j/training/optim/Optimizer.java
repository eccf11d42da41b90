package org.dpl4j.training.optim;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.dpl4j.model.Ops;

/**
 * An in-place first-order optimiser over named parameters. DJL's own optimisers keep their
 * state private, which would make exact resume impossible; these expose it as named tensors
 * so a checkpoint can hold it.
 */
public interface Optimizer {

    /** Updates every parameter from its gradient at learning rate {@code lr}, then zeroes the gradients. */
    void step(Map<String, NDArray> params, float lr);

    /** Optimiser state as named tensors (copies), for checkpoints. */
    Map<String, NDArray> state();

    /** Restores a state produced by {@link #state()}. */
    void load(Map<String, NDArray> state);

    /**
     * Zeroes the gradients of these parameters without updating them: a true fill, so NaN/inf
     * left by a corrupt backward cannot survive into the next step (subtracting would keep them).
     */
    static void zeroGradients(Map<String, NDArray> params) {
        for (NDArray p : params.values()) {
            try (NDArray g = p.getGradient()) { // getGradient() hands out a new handle each call
                Ops.fill(g, 0f);
            }
        }
    }
}
