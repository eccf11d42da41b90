package org.dpl4j.data;

import org.dpl4j.data.image.ClipTransforms;
import org.dpl4j.data.image.ImageDecoder;

/** The decode + CLIP transform pipelines the loaders run on their background threads. */
public final class SampleTransforms {
    private SampleTransforms() {}

    /** Resize shorter side, centre crop, normalise: evaluation and alpha batches. */
    public static SampleTransform test(int resolution) {
        return (s, rng) -> ClipTransforms.test(ImageDecoder.read(s.path()), resolution);
    }

    /** Random resized crop + horizontal flip, normalise: prompt training batches. */
    public static SampleTransform train(int resolution) {
        return (s, rng) -> ClipTransforms.train(ImageDecoder.read(s.path()), resolution, rng);
    }
}
