package org.dpl4j.data.image;

import java.awt.image.BufferedImage;

/**
 * An image decoded once and kept as the 8-bit pixels {@link ClipTransforms} resize from (palette
 * looked up, alpha kept, samples as stored): what {@link ImageCache} holds so that a few-shot image is
 * decoded once per run instead of once per epoch. The transforms read it and never change it, so
 * worker threads share it; a transform of it gives exactly the floats the transform of the
 * {@link BufferedImage} it came from gives.
 */
public final class DecodedImage {
    final Pixels pixels;

    private DecodedImage(Pixels pixels) {
        this.pixels = pixels;
    }

    public static DecodedImage of(BufferedImage img) {
        return new DecodedImage(Pixels.of(img));
    }

    /** Memory held, in bytes (the pixel array). */
    public long bytes() {
        return pixels.data.length;
    }

    public int width() {
        return pixels.width;
    }

    public int height() {
        return pixels.height;
    }
}
