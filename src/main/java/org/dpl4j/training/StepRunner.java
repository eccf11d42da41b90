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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StepRunner.class);
    private static final java.util.concurrent.atomic.AtomicLong SKIPPED = new java.util.concurrent.atomic.AtomicLong();

    private StepRunner() {}

    /** Updates skipped for non-finite gradients since the JVM started. */
    public static long skippedUpdates() {
        return SKIPPED.get();
    }

    /**
     * A finite loss can still give an inf/NaN gradient (an overflow inside backward); such an
     * update would destroy the prompts, so it is skipped and counted instead.
     */
    private static boolean gradientsFinite(Map<String, NDArray> params) {
        for (NDArray p : params.values()) {
            // every temporary closed here: results of ops on g belong to the parameter's long-lived manager
            try (NDArray g = p.getGradient(); NDArray a = g.abs(); NDArray mx = a.max()) {
                if (!Float.isFinite(mx.getFloat())) {
                    return false;
                }
            }
        }
        return true;
    }

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
                // like optimizer.zero_grad() before backward: another step's backward (e.g. the alpha
                // step's, which also reaches the prompts) must not leak into this step's update
                Optimizer.zeroGradients(params);
                gc.backward(l);
            }
            if (!gradientsFinite(params)) {
                SKIPPED.incrementAndGet();
                LOG.warn("skipped an update: non-finite gradient at loss {}", value);
                Optimizer.zeroGradients(params);
                return value;
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
