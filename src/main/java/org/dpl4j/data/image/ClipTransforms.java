package org.dpl4j.data.image;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * CLIP's image preprocessing, reproducing the reference torchvision-on-PIL pipeline.
 *
 * <ul>
 *   <li>test: {@code Resize(size, BICUBIC)} of the shorter side (long side {@code int(size*long/short)}),
 *       {@code CenterCrop(size)}, {@code ToTensor}, {@code Normalize(CLIP mean, std)};
 *   <li>train: {@code RandomResizedCrop(size, scale=(0.08,1), ratio=(3/4,4/3), BICUBIC)},
 *       {@code RandomHorizontalFlip(0.5)}, {@code ToTensor}, {@code Normalize}.
 * </ul>
 * Resizing is Pillow's antialiasing bicubic ({@link PilResampler}); a plain Java2D bicubic would
 * alias on downscaling and shift every input the model sees. The image is resized in the mode it
 * comes in and only then made RGB ({@link PilResize}), so the caller picks the {@link DecodeOrder}
 * by how it decodes: {@link DecodeOrder#OPENAI} keeps palette and alpha for the resize,
 * {@link DecodeOrder#DASSL} hands over an image already made RGB. Output is {@code float[3*size*size]}
 * in CHW order. All methods are stateless and thread-safe; randomness comes only from the caller's
 * {@link Random}, so a seed fixes the augmentation.
 */
public final class ClipTransforms {
    /** CLIP's per-channel normalisation (OpenAI {@code clip/clip.py}). */
    private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private ClipTransforms() {}

    /** The per-channel normalisation mean (R, G, B), a copy. */
    public static float[] mean() {
        return MEAN.clone();
    }

    /** The per-channel normalisation standard deviation (R, G, B), a copy. */
    public static float[] std() {
        return STD.clone();
    }

    /** Deterministic evaluation transform: bicubic resize of the shorter side, centre crop, normalise. */
    public static float[] test(BufferedImage img, int size) {
        requirePositive(size);
        return test(Pixels.of(img), size);
    }

    /** {@link #test(BufferedImage, int)} of an image decoded earlier (the same floats). */
    public static float[] test(DecodedImage img, int size) {
        requirePositive(size);
        return test(img.pixels, size);
    }

    private static float[] test(Pixels px, int size) {
        int w = px.width;
        int h = px.height;
        int outW;
        int outH;
        if (w <= h) {
            outW = size;
            outH = (int) ((double) size * h / w);
        } else {
            outH = size;
            outW = (int) ((double) size * w / h);
        }
        byte[] resized = PilResize.toRgb(px, new CropBox(0, 0, h, w), outW, outH);
        CropBox crop = CropBox.center(outW, outH, size);
        return toNormalizedChw(resized, outW, crop.left(), crop.top(), size, false);
    }

    /** Training augmentation: random resized crop to {@code size x size}, then a horizontal flip with p = 0.5. */
    public static float[] train(BufferedImage img, int size, Random rng) {
        requirePositive(size);
        return train(Pixels.of(img), size, rng);
    }

    /** {@link #train(BufferedImage, int, Random)} of an image decoded earlier (the same floats for the same {@code rng}). */
    public static float[] train(DecodedImage img, int size, Random rng) {
        requirePositive(size);
        return train(img.pixels, size, rng);
    }

    private static float[] train(Pixels px, int size, Random rng) {
        CropBox box = CropBox.randomResized(px.width, px.height, rng);
        byte[] out = PilResize.toRgb(px, box, size, size);
        boolean flip = rng.nextDouble() < 0.5;
        return toNormalizedChw(out, size, 0, 0, size, flip);
    }

    /** {@link #test} as an {@link ImageTransform} (ignores the {@code Random}). */
    public static ImageTransform testTransform(int size) {
        requirePositive(size);
        return (img, rng) -> test(img, size);
    }

    /** {@link #train} as an {@link ImageTransform}; the caller supplies (and owns) the {@code Random}. */
    public static ImageTransform trainTransform(int size) {
        requirePositive(size);
        return (img, rng) -> {
            if (rng == null) {
                throw new IllegalArgumentException("the training transform needs a Random");
            }
            return train(img, size, rng);
        };
    }

    /**
     * Cuts a {@code size x size} window out of interleaved RGB bytes, optionally mirrored, and applies
     * {@code (v/255 - mean)/std} in float32 as torchvision's {@code ToTensor} + {@code Normalize} do.
     */
    private static float[] toNormalizedChw(byte[] rgb, int rowWidth, int left, int top, int size, boolean flip) {
        int plane = size * size;
        float[] out = new float[3 * plane];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int srcX = left + (flip ? size - 1 - x : x);
                int i = ((top + y) * rowWidth + srcX) * 3;
                int o = y * size + x;
                for (int c = 0; c < 3; c++) {
                    float v = (rgb[i + c] & 0xff) / 255f;
                    out[c * plane + o] = (v - MEAN[c]) / STD[c];
                }
            }
        }
        return out;
    }

    private static void requirePositive(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
    }
}
