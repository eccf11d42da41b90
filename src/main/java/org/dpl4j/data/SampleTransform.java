package org.dpl4j.data;

import java.io.IOException;
import java.util.Random;

/**
 * Decodes one image and applies the train or test transform, giving {@code 3*H*W} floats (CHW).
 * Runs on {@link BatchLoader}'s worker threads, so it must be thread-safe; all randomness must
 * come from {@code rng}, which {@link BatchLoader} derives from (seed, epoch, sample index) so that
 * augmentation is the same whatever thread runs it and whenever.
 */
@FunctionalInterface
public interface SampleTransform {

    /**
     * @throws IOException when the image cannot be read or decoded (handled per {@link BadSamplePolicy})
     */
    float[] apply(Sample s, Random rng) throws IOException;
}
