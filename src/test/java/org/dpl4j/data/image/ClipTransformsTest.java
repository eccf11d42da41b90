package org.dpl4j.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The CLIP test/train transforms on synthetic images (the golden parity test is separate). */
class ClipTransformsTest {
    private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    @Test
    void testTransformIsChwAndNormalisedWithClipStatistics() {
        BufferedImage img = solid(50, 30, 128, 64, 32);
        float[] out = ClipTransforms.test(img, 24);
        assertThat(out).hasSize(3 * 24 * 24);
        int[] rgb = {128, 64, 32};
        for (int c = 0; c < 3; c++) {
            float expected = (rgb[c] / 255f - MEAN[c]) / STD[c];
            for (int i = c * 576; i < (c + 1) * 576; i++) {
                assertThat(out[i]).as("channel %d", c).isEqualTo(expected);
            }
        }
    }

    @Test
    void downscalingIsAntialiasedLikePillow() {
        // A 1-px checkerboard shrunk 7x: Pillow's widened kernel averages it to mid-grey; a plain
        // bicubic samples at source pixel centres (odd factor) and returns pure black/white.
        BufferedImage board = new BufferedImage(210, 210, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 210; y++) {
            for (int x = 0; x < 210; x++) {
                board.setRGB(x, y, (x + y) % 2 == 0 ? 0xFFFFFF : 0);
            }
        }
        float[] out = ClipTransforms.test(board, 30);
        for (int c = 0; c < 3; c++) {
            for (int i = c * 900; i < (c + 1) * 900; i++) {
                float pixel = out[i] * STD[c] + MEAN[c];
                assertThat(pixel).isCloseTo(0.5f, within(0.02f));
            }
        }
    }

    @Test
    void paletteImagesAreResizedNearestNeighbourAsPillowDoes() {
        IndexColorModel icm = new IndexColorModel(1, 2,
                new byte[] {(byte) 255, 0}, new byte[] {0, 0}, new byte[] {0, (byte) 255});
        BufferedImage stripes = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_BINARY, icm);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                stripes.getRaster().setSample(x, y, 0, (x / 3) % 2);
            }
        }
        Set<Float> redValues = new HashSet<>();
        float[] out = ClipTransforms.test(stripes, 16);
        for (int i = 0; i < 256; i++) {
            redValues.add(out[i]);
        }
        // 3-px stripes shrunk 4x: only the two palette colours survive; bicubic would blend them.
        assertThat(redValues).containsExactlyInAnyOrder((1f - MEAN[0]) / STD[0], (0f - MEAN[0]) / STD[0]);
        float[] blended = ClipTransforms.test(Pixels.of(stripes).toRgbImage(), 16);
        assertThat(Arrays.copyOf(blended, 256)).matches(
                reds -> !redValues.containsAll(floatSet(reds)), "has blended (non-palette) values");
    }

    @Test
    void rgbaIsResizedPremultipliedSoTransparentColourDoesNotBleed() {
        // Left half opaque blue, right half fully transparent red. Premultiplied, the red has
        // weight zero, so no output pixel gets any red; resizing straight RGB would bleed it in.
        BufferedImage img = new BufferedImage(16, 8, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, x < 8 ? 0xFF0000FF : 0x00FF0000);
            }
        }
        float zeroRed = (0f - MEAN[0]) / STD[0];
        float[] out = ClipTransforms.test(img, 4);
        for (int i = 0; i < 16; i++) {
            assertThat(out[i]).as("red at %d", i).isEqualTo(zeroRed);
        }
        float[] dropped = ClipTransforms.test(Pixels.of(img).toRgbImage(), 4);
        assertThat(dropped[4 + 1]).as("alpha-dropped image bleeds red").isGreaterThan(zeroRed);
    }

    @Test
    void centreCropRoundsHalfToEvenLikePython() {
        assertThat(CropBox.center(37, 35, 32)).isEqualTo(new CropBox(2, 2, 32, 32)); // round(2.5)=2, round(1.5)=2
        assertThat(CropBox.center(33, 32, 32)).isEqualTo(new CropBox(0, 0, 32, 32)); // round(0.5)=0
        assertThat(CropBox.center(39, 32, 32)).isEqualTo(new CropBox(0, 4, 32, 32)); // round(3.5)=4
    }

    @Test
    void randomResizedCropStaysInsideTheImageWithinScaleAndRatio() {
        Random rng = new Random(7);
        for (int i = 0; i < 3000; i++) {
            CropBox b = CropBox.randomResized(200, 150, rng);
            assertThat(b.left() + b.width()).isLessThanOrEqualTo(200);
            assertThat(b.top() + b.height()).isLessThanOrEqualTo(150);
            double area = (double) b.width() * b.height() / (200 * 150);
            assertThat(area).isBetween(0.07, 1.0);
            double ratio = (double) b.width() / b.height();
            assertThat(ratio).isBetween(0.7, 1.4);
        }
    }

    @Test
    void randomResizedCropFallsBackToTheCentreForExtremeAspectRatios() {
        // No draw can fit a 1000x10 image, so torchvision's fallback applies: clamp ratio to 4/3.
        assertThat(CropBox.randomResized(1000, 10, new Random(1))).isEqualTo(new CropBox(0, 493, 10, 13));
        assertThat(CropBox.randomResized(10, 1000, new Random(1))).isEqualTo(new CropBox(493, 0, 13, 10));
    }

    @Test
    void trainIsDeterministicForASeedAndHasTheRightShape() {
        BufferedImage img = ImageDecoderTest.gradient(90, 70);
        float[] a = ClipTransforms.train(img, 32, new Random(42));
        float[] b = ClipTransforms.trainTransform(32).apply(img, new Random(42));
        float[] c = ClipTransforms.train(img, 32, new Random(43));
        assertThat(a).hasSize(3 * 32 * 32);
        assertThat(b).containsExactly(a);
        assertThat(Arrays.equals(a, c)).isFalse();
    }

    @Test
    void trainIsTheSeededCropResizedThenMaybeMirrored() {
        BufferedImage img = ImageDecoderTest.gradient(90, 70);
        Pixels px = Pixels.of(img);
        int size = 12;
        boolean sawFlip = false;
        boolean sawNoFlip = false;
        for (long seed = 0; seed < 20; seed++) {
            Random draws = new Random(seed);
            CropBox box = CropBox.randomResized(90, 70, draws);
            boolean flip = draws.nextDouble() < 0.5;
            byte[] rgb = PilResize.toRgb(px, box, size, size);

            float[] out = ClipTransforms.train(img, size, new Random(seed));

            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int src = (y * size + (flip ? size - 1 - x : x)) * 3;
                    float expectedRed = ((rgb[src] & 0xff) / 255f - MEAN[0]) / STD[0];
                    assertThat(out[y * size + x]).isEqualTo(expectedRed);
                }
            }
            sawFlip |= flip;
            sawNoFlip |= !flip;
        }
        assertThat(sawFlip && sawNoFlip).isTrue();
    }

    @Test
    void trainFlipsAboutHalfTheTime() {
        // Red grows left to right; after a flip it falls. Crops and resizing keep the direction.
        BufferedImage img = ImageDecoderTest.gradient(128, 96);
        int size = 16;
        int flipped = 0;
        int n = 400;
        Random rng = new Random(2024);
        for (int i = 0; i < n; i++) {
            float[] out = ClipTransforms.train(img, size, rng);
            float left = 0;
            float right = 0;
            for (int y = 0; y < size; y++) {
                left += out[y * size];
                right += out[y * size + size - 1];
            }
            assertThat(left).isNotEqualTo(right);
            if (left > right) {
                flipped++;
            }
        }
        assertThat(flipped / (double) n).isBetween(0.4, 0.6);
    }

    @Test
    void transformsAreUsableThroughTheInterface() {
        BufferedImage img = ImageDecoderTest.gradient(40, 60);
        ImageTransform test = ClipTransforms.testTransform(16);
        assertThat(test.apply(img, null)).containsExactly(ClipTransforms.test(img, 16));
        assertThat(test.apply(img, new Random(3))).containsExactly(ClipTransforms.test(img, 16));
        assertThatThrownBy(() -> ClipTransforms.trainTransform(16).apply(img, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClipTransforms.testTransform(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inputImageIsNotModified() {
        BufferedImage img = ImageDecoderTest.gradient(40, 30);
        int[] before = img.getRGB(0, 0, 40, 30, null, 0, 40);
        ClipTransforms.test(img, 8);
        ClipTransforms.train(img, 8, new Random(1));
        assertThat(img.getRGB(0, 0, 40, 30, null, 0, 40)).containsExactly(before);
    }

    private static Set<Float> floatSet(float[] values) {
        Set<Float> set = new HashSet<>();
        for (float v : values) {
            set.add(v);
        }
        return set;
    }

    private static BufferedImage solid(int w, int h, int r, int g, int b) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }
}
