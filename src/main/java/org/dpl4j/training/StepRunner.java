package org.dpl4j.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.optim.Optimizer;

/**
 * One optimisation step inside its own memory scope: forward, the gradients of exactly the
 * step's parameters ({@link Grads#of}), a finiteness check, then the optimiser update.
 * Everything the step allocates is freed when it returns, so a long run keeps flat memory.
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
     * @param loss builds the scalar loss (in the step's scope)
     * @return the loss value
     * @throws NonFiniteLossException when the loss is NaN or infinite (parameters are left untouched)
     */
    public static float step(Supplier<Tensor> loss, Map<String, Tensor> params, Optimizer optimizer, float lr) {
        try (Scope scope = Scope.open()) {
            Tensor l = loss.get();
            float value = StepReads.loss(l);
            if (!Float.isFinite(value)) {
                throw new NonFiniteLossException(value);
            }
            // gradients of this step's parameters only: another step's backward (e.g. the alpha
            // step's, which also reaches the prompts) cannot leak into this update
            List<Tensor> g = Grads.of(l, new ArrayList<>(params.values()));
            return update(params, named(params, g), optimizer, lr, value);
        }
    }

    /** A batch's loss, restricted to its samples {@code [from, to)}, given what all chunks share. */
    @FunctionalInterface
    public interface ChunkLoss {
        /** @return the mean loss over samples {@code [from, to)} */
        Tensor apply(Tensor shared, int from, int to);
    }

    /**
     * One step over a batch of {@code size} samples processed in chunks of at most {@code chunk}:
     * {@code shared} (the class text features) is computed once and kept in the graph, and each
     * chunk's mean loss, weighted by the chunk's share of the batch, is back-propagated on its
     * own, so only one chunk's image activations are alive at a time. The chunks' gradients are
     * summed: that of the whole batch's mean loss (up to summation order), at the same cost: this
     * is what keeps a 16-image alpha step at ViT-B/16 within a few GB.
     *
     * @return the batch's mean loss
     * @throws NonFiniteLossException when a chunk's loss is NaN or infinite (parameters are left untouched)
     */
    public static float chunkedStep(Supplier<Tensor> shared, ChunkLoss loss, int size, int chunk, Map<String, Tensor> params,
            Optimizer optimizer, float lr) {
        if (size < 1 || chunk < 1) {
            throw new IllegalArgumentException("batch and chunk sizes must be positive: " + size + ", " + chunk);
        }
        try (Scope scope = Scope.open()) {
            List<Tensor> wrt = new ArrayList<>(params.values());
            List<Tensor> sum = new ArrayList<>();
            for (Tensor p : wrt) {
                sum.add(Tensors.zerosLike(p));
            }
            float value = 0;
            Tensor common = shared.get();
            for (int from = 0; from < size; from += chunk) {
                int to = Math.min(size, from + chunk);
                try (Scope cs = Scope.open()) {
                    Tensor l = Tensors.mul(loss.apply(common, from, to), (float) (to - from) / size);
                    float v = StepReads.loss(l);
                    if (!Float.isFinite(v)) {
                        throw new NonFiniteLossException(v);
                    }
                    value += v;
                    // the shared part's graph must survive until the last chunk's backward; each
                    // chunk's own part dies with its scope
                    List<Tensor> g = Grads.of(l, wrt, to < size);
                    try (NoGrad ng = NoGrad.open()) {
                        for (int i = 0; i < g.size(); i++) {
                            sum.get(i).add_(g.get(i));
                        }
                    }
                }
            }
            return update(params, named(params, sum), optimizer, lr, value);
        }
    }

    private static Map<String, Tensor> named(Map<String, Tensor> params, List<Tensor> grads) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int i = 0;
        for (String k : params.keySet()) {
            out.put(k, grads.get(i++));
        }
        return out;
    }

    private static float update(Map<String, Tensor> params, Map<String, Tensor> grads, Optimizer optimizer, float lr,
            float value) {
        // a finite loss can still give an inf/NaN gradient (an overflow inside backward); such an
        // update would destroy the prompts, so it is skipped and counted instead
        if (!StepReads.finite(grads.values())) {
            SKIPPED.incrementAndGet();
            LOG.warn("skipped an update: non-finite gradient at loss {}", value);
            return value;
        }
        optimizer.step(params, grads, lr);
        return value;
    }

    /** Raised when a loss is NaN or infinite; the run stops and keeps its last good checkpoint. */
    public static final class NonFiniteLossException extends RuntimeException {
        public NonFiniteLossException(float value) {
            super("loss became " + value + "; stopping (the last good checkpoint is kept)");
        }
    }
}
