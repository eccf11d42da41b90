package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dpl4j.data.OrderSensitiveImages.H;
import static org.dpl4j.data.OrderSensitiveImages.PAL_B;
import static org.dpl4j.data.OrderSensitiveImages.PAL_G;
import static org.dpl4j.data.OrderSensitiveImages.PAL_R;
import static org.dpl4j.data.OrderSensitiveImages.W;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.dpl4j.data.image.ClipTransforms;
import org.dpl4j.data.image.DecodeOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two decoding orders on the files where they differ: a palette PNG (with one transparent
 * entry) and an RGBA PNG with varied alpha. Dassl's order must equal Pillow's {@code convert("RGB")}
 * (computed here from the source pixels) followed by the RGB transform; OpenAI's order must resize
 * in the file's own mode: the palette one nearest-neighbour (computed here from the source indices),
 * the RGBA one premultiplied (the transform on the ARGB image, golden-tested on rgba.png).
 */
class SampleTransformsTest {
    private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};
    /** Test size: shorter side 18 -> 8, longer 24 -> int(8*24/18) = 10, centre crop left = round(1.0) = 1. */
    private static final int SIZE = 8;
    private static final int RESIZED_W = 10;
    private static final int CROP_LEFT = 1;

    @TempDir
    Path dir;

    @Test
    void paletteImageInDasslOrderIsMadeRgbThenResizedBicubic() throws IOException {
        BufferedImage src = OrderSensitiveImages.palette();
        Sample s = sample(src, "palette.png");

        float[] dassl = SampleTransforms.test(SIZE, DecodeOrder.DASSL).apply(s, null);

        assertThat(dassl).containsExactly(ClipTransforms.test(paletteLookedUp(src), SIZE));
        assertThat(dassl).as("nearest-neighbour output").isNotEqualTo(nearestPaletteExpected(src));
    }

    @Test
    void paletteImageInOpenAiOrderIsResizedNearestThenLookedUp() throws IOException {
        BufferedImage src = OrderSensitiveImages.palette();
        Sample s = sample(src, "palette.png");

        float[] openai = SampleTransforms.test(SIZE, DecodeOrder.OPENAI).apply(s, null);

        assertThat(openai).containsExactly(nearestPaletteExpected(src));
        assertThat(maxAbsDiff(openai, SampleTransforms.test(SIZE, DecodeOrder.DASSL).apply(s, null)))
                .as("the two orders on a palette file").isGreaterThan(0.1);
    }

    @Test
    void rgbaImageInDasslOrderDropsAlphaThenResizes() throws IOException {
        BufferedImage src = OrderSensitiveImages.rgba();
        Sample s = sample(src, "rgba.png");

        float[] dassl = SampleTransforms.test(SIZE, DecodeOrder.DASSL).apply(s, null);

        assertThat(dassl).containsExactly(ClipTransforms.test(alphaDropped(src), SIZE));
    }

    @Test
    void rgbaImageInOpenAiOrderIsResizedWithItsAlpha() throws IOException {
        BufferedImage src = OrderSensitiveImages.rgba();
        Sample s = sample(src, "rgba.png");

        float[] openai = SampleTransforms.test(SIZE, DecodeOrder.OPENAI).apply(s, null);

        assertThat(openai).containsExactly(ClipTransforms.test(src, SIZE));
        assertThat(maxAbsDiff(openai, SampleTransforms.test(SIZE, DecodeOrder.DASSL).apply(s, null)))
                .as("the two orders on an RGBA file").isGreaterThan(0.1);
    }

    @Test
    void trainTransformFollowsTheOrderToo() throws IOException {
        BufferedImage palette = OrderSensitiveImages.palette();
        BufferedImage rgba = OrderSensitiveImages.rgba();
        Sample p = sample(palette, "palette.png");
        Sample a = sample(rgba, "rgba.png");

        assertThat(SampleTransforms.train(SIZE, DecodeOrder.DASSL).apply(p, new Random(5)))
                .containsExactly(ClipTransforms.train(paletteLookedUp(palette), SIZE, new Random(5)));
        assertThat(SampleTransforms.train(SIZE, DecodeOrder.OPENAI).apply(p, new Random(5)))
                .containsExactly(ClipTransforms.train(palette, SIZE, new Random(5)));
        assertThat(SampleTransforms.train(SIZE, DecodeOrder.DASSL).apply(a, new Random(5)))
                .containsExactly(ClipTransforms.train(alphaDropped(rgba), SIZE, new Random(5)));
        assertThat(SampleTransforms.train(SIZE, DecodeOrder.OPENAI).apply(a, new Random(5)))
                .containsExactly(ClipTransforms.train(rgba, SIZE, new Random(5)));
    }

    @Test
    void promptLearningPathsUseDasslOrder() throws IOException {
        Sample p = sample(OrderSensitiveImages.palette(), "palette.png");
        Sample a = sample(OrderSensitiveImages.rgba(), "rgba.png");

        assertThat(SampleTransforms.PROMPT_LEARNING).isEqualTo(DecodeOrder.DASSL);
        for (Sample s : new Sample[] {p, a}) {
            assertThat(SampleTransforms.test(SIZE).apply(s, null))
                    .containsExactly(SampleTransforms.test(SIZE, DecodeOrder.DASSL).apply(s, null));
            assertThat(SampleTransforms.train(SIZE).apply(s, new Random(9)))
                    .containsExactly(SampleTransforms.train(SIZE, DecodeOrder.DASSL).apply(s, new Random(9)));
        }
    }

    private Sample sample(BufferedImage img, String name) throws IOException {
        return OrderSensitiveImages.sample(img, dir.resolve(name));
    }

    /** Pillow's P to RGB: each index through the palette, transparency ignored. */
    private static BufferedImage paletteLookedUp(BufferedImage src) {
        BufferedImage out = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = src.getRaster().getSample(x, y, 0);
                out.setRGB(x, y, (PAL_R[i] & 0xff) << 16 | (PAL_G[i] & 0xff) << 8 | (PAL_B[i] & 0xff));
            }
        }
        return out;
    }

    /** Pillow's RGBA to RGB: alpha dropped, colour kept as stored (no compositing). */
    private static BufferedImage alphaDropped(BufferedImage src) {
        BufferedImage out = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                out.setRGB(x, y, src.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return out;
    }

    /**
     * OpenAI's order on a "P" image: Pillow resizes it to 10x8 nearest-neighbour whatever the filter
     * (ImagingScaleAffine: source index = int of a position starting at step/2 and advanced by
     * step), the centre crop keeps columns 1..8, then indices go through the palette and normalise.
     */
    private static float[] nearestPaletteExpected(BufferedImage src) {
        int[] xs = pillowNearest(W, RESIZED_W);
        int[] ys = pillowNearest(H, SIZE);
        float[] out = new float[3 * SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int i = src.getRaster().getSample(xs[x + CROP_LEFT], ys[y], 0);
                byte[] rgb = {PAL_R[i], PAL_G[i], PAL_B[i]};
                for (int c = 0; c < 3; c++) {
                    out[c * SIZE * SIZE + y * SIZE + x] = ((rgb[c] & 0xff) / 255f - MEAN[c]) / STD[c];
                }
            }
        }
        return out;
    }

    private static int[] pillowNearest(int in, int out) {
        double step = (double) in / out;
        double pos = step * 0.5;
        int[] idx = new int[out];
        for (int i = 0; i < out; i++, pos += step) {
            idx[i] = (int) pos;
        }
        return idx;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
