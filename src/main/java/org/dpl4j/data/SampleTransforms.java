package org.dpl4j.data;

import org.dpl4j.data.image.ClipTransforms;
import org.dpl4j.data.image.DecodeOrder;

/** The decode + CLIP transform pipelines the loaders run on their background threads. */
public final class SampleTransforms {
    /**
     * The decoding order of every path that learns or evaluates prompts (train, search, evaluation
     * of trained runs, predict): the reference DPL code reads images through Dassl.
     */
    public static final DecodeOrder PROMPT_LEARNING = DecodeOrder.DASSL;

    private SampleTransforms() {}

    /** {@link #test(int, DecodeOrder)} in {@link #PROMPT_LEARNING}'s order: evaluation and alpha batches. */
    public static SampleTransform test(int resolution) {
        return test(resolution, PROMPT_LEARNING);
    }

    /** {@link #train(int, DecodeOrder)} in {@link #PROMPT_LEARNING}'s order: prompt training batches. */
    public static SampleTransform train(int resolution) {
        return train(resolution, PROMPT_LEARNING);
    }

    /** Resize shorter side, centre crop, normalise. */
    public static SampleTransform test(int resolution, DecodeOrder order) {
        return (s, rng) -> ClipTransforms.test(order.decode(s.path()), resolution);
    }

    /** Random resized crop + horizontal flip, normalise. */
    public static SampleTransform train(int resolution, DecodeOrder order) {
        return (s, rng) -> ClipTransforms.train(order.decode(s.path()), resolution, rng);
    }
}
