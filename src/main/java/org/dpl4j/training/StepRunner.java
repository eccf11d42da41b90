package org.dpl4j.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.function.Function;
import org.dpl4j.model.Ops;
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
            return update(params, optimizer, lr, value);
        }
    }

    /** A batch's loss, restricted to its samples {@code [from, to)}, given what all chunks share. */
    @FunctionalInterface
    public interface ChunkLoss {
        /** @return the mean loss over samples {@code [from, to)} */
        NDArray apply(NDManager scope, NDArray shared, int from, int to);
    }

    /**
     * One step over a batch of {@code size} samples processed in chunks of at most {@code chunk}:
     * {@code shared} (the class text features) is computed once and kept in the graph, and each
     * chunk's mean loss, weighted by the chunk's share of the batch, is back-propagated on its
     * own, so only one chunk's image activations are alive at a time. The accumulated gradient is
     * that of the whole batch's mean loss (up to summation order), at the same cost: this is what
     * keeps a 16-image alpha step at ViT-B/16 within a few GB.
     *
     * @return the batch's mean loss
     * @throws NonFiniteLossException when a chunk's loss is NaN or infinite (parameters are left untouched)
     */
    public static float chunkedStep(NDManager parent, Function<NDManager, NDArray> shared, ChunkLoss loss, int size,
            int chunk, Map<String, NDArray> params, Optimizer optimizer, float lr) {
        if (size < 1 || chunk < 1) {
            throw new IllegalArgumentException("batch and chunk sizes must be positive: " + size + ", " + chunk);
        }
        try (NDManager scope = parent.newSubManager()) {
            float value = 0;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray common = shared.apply(scope);
                Optimizer.zeroGradients(params);
                for (int from = 0; from < size; from += chunk) {
                    int to = Math.min(size, from + chunk);
                    try (NDManager cs = scope.newSubManager()) {
                        NDArray l = Ops.mul(loss.apply(cs, common, from, to), (float) (to - from) / size);
                        float v = l.getFloat();
                        if (!Float.isFinite(v)) {
                            throw new NonFiniteLossException(v);
                        }
                        value += v;
                        // the shared part's graph must survive until the last chunk's backward; each
                        // chunk's own part dies with its scope
                        backward(l, to < size);
                    }
                }
            }
            return update(params, optimizer, lr, value);
        }
    }

    /** DJL's GradientCollector always frees the graph; chunks need to keep the shared part of it. */
    private static void backward(NDArray scalar, boolean keepGraph) {
        try (NDArray ones = scalar.onesLike()) {
            ai.djl.pytorch.jni.JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) scalar,
                    (ai.djl.pytorch.engine.PtNDArray) ones, keepGraph, false);
        }
    }

    private static float update(Map<String, NDArray> params, Optimizer optimizer, float lr, float value) {
        if (!gradientsFinite(params)) {
            SKIPPED.incrementAndGet();
            LOG.warn("skipped an update: non-finite gradient at loss {}", value);
            Optimizer.zeroGradients(params);
            return value;
        }
        optimizer.step(params, lr);
        return value;
    }

    /** Raised when a loss is NaN or infinite; the run stops and keeps its last good checkpoint. */
    public static final class NonFiniteLossException extends RuntimeException {
        public NonFiniteLossException(float value) {
            super("loss became " + value + "; stopping (the last good checkpoint is kept)");
        }
    }
}
