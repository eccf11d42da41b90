package org.dpl4j.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.function.Function;
import org.dpl4j.training.optim.Optimizer;

/**
 * One optimisation step inside its own memory scope: forward, backward, a finiteness check,
 * then the optimiser update. Everything the step allocates is freed when it returns, so a long
 * run keeps flat memory.
 */
public final class StepRunner {
    private StepRunner() {}

    /**
     * @param loss builds the scalar loss from a fresh step scope
     * @return the loss value
     * @throws NonFiniteLossException when the loss is NaN or infinite (parameters are left untouched)
     */
    public static float step(NDManager parent, Function<NDManager, NDArray> loss, Map<String, NDArray> params,
            Optimizer optimizer, float lr) {
        try (NDManager scope = parent.newSubManager()) {
            float value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.apply(scope);
                value = l.getFloat();
                if (!Float.isFinite(value)) {
                    throw new NonFiniteLossException(value);
                }
                gc.backward(l);
            }
            optimizer.step(params, lr);
            return value;
        }
    }

    /** Raised when a loss is NaN or infinite; the run stops and keeps its last good checkpoint. */
    public static final class NonFiniteLossException extends RuntimeException {
        public NonFiniteLossException(float value) {
            super("loss became " + value + "; stopping (the last good checkpoint is kept)");
        }
    }
}
