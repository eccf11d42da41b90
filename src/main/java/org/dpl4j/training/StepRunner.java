package org.dpl4j.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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

    /**
     * A step whose loss depends on the classes only through their text features: {@code loss} maps the
     * (C, E) features to the scalar loss. With {@code text} chunked, the classes go through the text
     * encoder chunk by chunk (docs/design.md §6.11); with one chunk the gradients are bit-identical to
     * {@link #step(Supplier, Map, Optimizer, float)} on the same loss.
     *
     * @return the loss value
     * @throws NonFiniteLossException when the loss is NaN or infinite (parameters are left untouched)
     */
    public static float step(TextPass text, Function<Tensor, Tensor> loss, Map<String, Tensor> params, Optimizer optimizer,
            float lr) {
        return chunkedStep(text, (features, from, to) -> loss.apply(features), 1, 1, params, optimizer, lr);
    }

    /** A batch's loss, restricted to its samples {@code [from, to)}, given the class text features. */
    @FunctionalInterface
    public interface ChunkLoss {
        /**
         * @param features the (C, E) fp32 class text features of {@link #chunkedStep}
         * @return the mean loss over samples {@code [from, to)}
         */
        Tensor apply(Tensor features, int from, int to);
    }

    /**
     * One step over a batch of {@code size} samples processed in chunks of at most {@code chunk}, against
     * the class text features of {@code text}. The features are computed once ({@link TextGradients}), and
     * each chunk's mean loss, weighted by the chunk's share of the batch, is back-propagated on its own down
     * to the features, so only one chunk's image activations are alive at a time; the features' gradients
     * of all chunks are summed, then carried through the text encoder once (in class chunks when
     * {@code text} is chunked). The result is the gradient of the whole batch's mean loss up to summation
     * order, at the cost of one pass: this is what keeps a 16-image alpha step at ViT-B/16 within a few GB.
     * A text side outside autograd (frozen CLIP's, deep VPT's) is a constant of the step.
     *
     * @return the batch's mean loss
     * @throws NonFiniteLossException when a chunk's loss is NaN or infinite (parameters are left untouched)
     */
    public static float chunkedStep(TextPass text, ChunkLoss loss, int size, int chunk, Map<String, Tensor> params,
            Optimizer optimizer, float lr) {
        if (size < 1 || chunk < 1) {
            throw new IllegalArgumentException("batch and chunk sizes must be positive: " + size + ", " + chunk);
        }
        try (Scope scope = Scope.open()) {
            List<Tensor> wrt = new ArrayList<>(params.values());
            TextGradients textSide = TextGradients.forward(text);
            Tensor features = textSide.features();
            List<Tensor> withFeatures = new ArrayList<>(wrt);
            if (textSide.learned()) {
                withFeatures.add(features);
            }
            List<Tensor> sum = new ArrayList<>();
            for (Tensor p : withFeatures) {
                sum.add(Tensors.zerosLike(p));
            }
            float value = 0;
            for (int from = 0; from < size; from += chunk) {
                int to = Math.min(size, from + chunk);
                try (Scope cs = Scope.open()) {
                    Tensor l = loss.apply(features, from, to);
                    if (to - from < size) {
                        l = Tensors.mul(l, (float) (to - from) / size);
                    }
                    float v = StepReads.loss(l);
                    if (!Float.isFinite(v)) {
                        throw new NonFiniteLossException(v);
                    }
                    value += v;
                    // each chunk's graph ends at the features (a leaf) and dies with its scope
                    List<Tensor> g = Grads.of(l, withFeatures);
                    try (NoGrad ng = NoGrad.open()) {
                        for (int i = 0; i < g.size(); i++) {
                            sum.get(i).add_(g.get(i));
                        }
                    }
                }
            }
            List<Tensor> grads = sum.subList(0, wrt.size());
            if (textSide.learned()) {
                textSide.backward(sum.get(wrt.size()), wrt, grads);
            }
            return update(params, named(params, grads), optimizer, lr, value);
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
