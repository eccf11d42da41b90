package org.dpl4j.training.optim;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * An in-place first-order optimiser over named parameters. DJL's own optimisers keep their
 * state private, which would make exact resume impossible; these expose it as named tensors
 * so a checkpoint can hold it.
 */
public interface Optimizer {
    /** Index of every element, for in-place fills. */
    ai.djl.ndarray.index.NDIndex ALL = new ai.djl.ndarray.index.NDIndex("...");

    /** Updates every parameter from its gradient at learning rate {@code lr}, then zeroes the gradients. */
    void step(Map<String, NDArray> params, float lr);

    /** Optimiser state as named tensors (copies), for checkpoints. */
    Map<String, NDArray> state();

    /** Restores a state produced by {@link #state()}. */
    void load(Map<String, NDArray> state);

    /** Zeroes the gradients of these parameters without updating them. */
    static void zeroGradients(Map<String, NDArray> params) {
        for (NDArray p : params.values()) {
            NDArray g = p.getGradient();
            g.set(ALL, 0); // a true fill: subtracting would keep NaN/inf from another step's backward
            g.close();
        }
    }
}
