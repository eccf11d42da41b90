package org.dpl4j.data.image;

import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.awt.image.BufferedImage;

/**
 * Image decoding on fuzzed bytes, as the server and the data loaders do it: the size check from the
 * header before decoding (here with a limit of {@link #MAX_PIXELS}, so that the fuzzer reaches it with
 * small files), the decoders ImageIO picks (PNG, JPEG through TwelveMonkeys, GIF, BMP, WBMP, TIFF),
 * the conversion to RGB and CLIP's test transform. An image that decodes must be within the limit, must
 * not make the transform's resize of its shorter side grow it into a long strip, and must give finite
 * pixels; anything else must be refused with an {@link InvalidImageException} (or
 * {@link ImageTooLargeException}) whose one line names the source.
 */
class ImageDecoderFuzzTest {
    static final long MAX_PIXELS = 1 << 20;
    static final String SOURCE = "in the fuzzed request body";
    static final int RESOLUTION = 32;

    @FuzzTest
    void decodesOrRefuses(byte[] data) throws Exception {
        BufferedImage img = returnsOrRefuses(() -> ImageDecoder.read(data, SOURCE, MAX_PIXELS), SOURCE, InvalidImageException.class);
        if (img == null) {
            return;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        if ((long) w * h > MAX_PIXELS) {
            throw new AssertionError(w + "x" + h + " decoded past the limit of " + MAX_PIXELS);
        }
        // the test transform resizes the shorter side to the resolution first: its work must stay near resolution²
        long resized = (long) RESOLUTION * (long) ((double) RESOLUTION * Math.max(w, h) / Math.min(w, h));
        if (resized > (long) ImageDecoder.MAX_ASPECT * RESOLUTION * RESOLUTION) {
            throw new AssertionError(w + "x" + h + " would be resized to " + resized + " pixels before the centre crop");
        }
        float[] px = ClipTransforms.test(DecodeOrder.DASSL.prepare(img), RESOLUTION);
        for (float v : px) {
            if (!Float.isFinite(v)) {
                throw new AssertionError("a non-finite pixel after the transform");
            }
        }
    }
}
