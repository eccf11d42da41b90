package org.dpl4j.data;

import org.dpl4j.data.image.ClipTransforms;
import org.dpl4j.data.image.DecodeOrder;
import org.dpl4j.data.image.ImageCache;

/** The decode + CLIP transform pipelines the loaders run on their background threads. */
public final class SampleTransforms {
    /**
     * The decoding order of every path that learns or evaluates prompts (train, search, evaluation
     * of trained runs, predict): the reference DPL code reads images through Dassl.
     */
    public static final DecodeOrder PROMPT_LEARNING = DecodeOrder.DASSL;

    private SampleTransforms() {}

    /**
     * {@link #test(int, DecodeOrder)} in {@link #PROMPT_LEARNING}'s order, decoding through the process's
     * {@link ImageCache}: the alpha steps' val batches, which revisit the few-shot val split every pass.
     */
    public static SampleTransform test(int resolution) {
        return test(resolution, ImageCache.shared());
    }

    /** {@link #test(int)} through {@code cache}. */
    public static SampleTransform test(int resolution, ImageCache cache) {
        return (s, rng) -> ClipTransforms.test(cache.decode(s.path(), PROMPT_LEARNING), resolution);
    }

    /**
     * {@link #train(int, DecodeOrder)} in {@link #PROMPT_LEARNING}'s order, decoding through the process's
     * {@link ImageCache}: prompt training batches, the same few-shot images every epoch (the same floats
     * as without the cache: only the decoding is kept, the augmentation is drawn from {@code rng}).
     */
    public static SampleTransform train(int resolution) {
        return train(resolution, ImageCache.shared());
    }

    /** {@link #train(int)} through {@code cache}. */
    public static SampleTransform train(int resolution, ImageCache cache) {
        return (s, rng) -> ClipTransforms.train(cache.decode(s.path(), PROMPT_LEARNING), resolution, rng);
    }

    /** Resize shorter side, centre crop, normalise; decodes every time (a test split is read once per evaluation). */
    public static SampleTransform test(int resolution, DecodeOrder order) {
        return (s, rng) -> ClipTransforms.test(order.decode(s.path()), resolution);
    }

    /** Random resized crop + horizontal flip, normalise. */
    public static SampleTransform train(int resolution, DecodeOrder order) {
        return (s, rng) -> ClipTransforms.train(order.decode(s.path()), resolution, rng);
    }
}
