package org.dpl4j.data.image;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Turns a decoded image into a normalised CHW {@code float[]} for the CLIP image encoder.
 *
 * <p>One interface for both the deterministic test transform and the random training
 * augmentation, so data loaders take either; deterministic transforms ignore {@code rng}.
 * Implementations must be thread-safe (they are stateless; the caller owns the {@code Random}).
 */
@FunctionalInterface
public interface ImageTransform {
    /**
     * @param img any decoded image (see {@link DecodeOrder#decode}); it is not modified
     * @param rng source of randomness for augmentation; may be {@code null} for deterministic transforms
     * @return {@code 3*size*size} floats, channel-major (R plane, G plane, B plane)
     */
    float[] apply(BufferedImage img, Random rng);
}
