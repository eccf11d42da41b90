package org.dpl4j.data.image;

import java.util.Random;

/**
 * A pixel rectangle of an image, and the two ways torchvision chooses one for CLIP.
 *
 * <p>Kept apart from the resampling so the random-crop arithmetic (Python's round-half-to-even,
 * the 10-attempt loop and its centre-crop fallback) can be checked on its own.
 */
record CropBox(int top, int left, int height, int width) {
    static final double MIN_SCALE = 0.08;
    static final double MAX_SCALE = 1.0;
    static final double MIN_RATIO = 3.0 / 4.0;
    static final double MAX_RATIO = 4.0 / 3.0;
    private static final int ATTEMPTS = 10;

    CropBox {
        if (height <= 0 || width <= 0 || top < 0 || left < 0) {
            throw new IllegalArgumentException("bad crop " + height + "x" + width + " at " + top + "," + left);
        }
    }

    /**
     * torchvision {@code CenterCrop(size)} of an image at least {@code size} in both dimensions:
     * offsets {@code int(round((h - size) / 2.0))} with Python's half-to-even rounding.
     */
    static CropBox center(int imgWidth, int imgHeight, int size) {
        if (imgWidth < size || imgHeight < size) {
            throw new IllegalArgumentException("image " + imgWidth + "x" + imgHeight + " smaller than crop " + size);
        }
        int top = (int) Math.rint((imgHeight - size) / 2.0);
        int left = (int) Math.rint((imgWidth - size) / 2.0);
        return new CropBox(top, left, size, size);
    }

    /**
     * torchvision {@code RandomResizedCrop.get_params} with scale (0.08, 1) and ratio (3/4, 4/3):
     * up to 10 draws of an area fraction (uniform) and an aspect ratio (log-uniform); the first
     * that fits is placed uniformly at random; otherwise the largest centred crop whose ratio is
     * clamped into range. Same sequence of draws for the same {@code rng} state.
     */
    static CropBox randomResized(int imgWidth, int imgHeight, Random rng) {
        double area = (double) imgHeight * imgWidth;
        double logMin = Math.log(MIN_RATIO);
        double logMax = Math.log(MAX_RATIO);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rng, MIN_SCALE, MAX_SCALE);
            double aspect = Math.exp(uniform(rng, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= imgWidth && h > 0 && h <= imgHeight) {
                int top = rng.nextInt(imgHeight - h + 1);
                int left = rng.nextInt(imgWidth - w + 1);
                return new CropBox(top, left, h, w);
            }
        }
        double inRatio = (double) imgWidth / imgHeight;
        int w;
        int h;
        if (inRatio < MIN_RATIO) {
            w = imgWidth;
            h = (int) Math.rint(w / MIN_RATIO);
        } else if (inRatio > MAX_RATIO) {
            h = imgHeight;
            w = (int) Math.rint(h * MAX_RATIO);
        } else {
            w = imgWidth;
            h = imgHeight;
        }
        return new CropBox((imgHeight - h) / 2, (imgWidth - w) / 2, h, w);
    }

    private static double uniform(Random rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
