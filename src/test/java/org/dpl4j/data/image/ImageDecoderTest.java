package org.dpl4j.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding of the formats and colour models the datasets contain, and the failure messages. */
class ImageDecoderTest {
    @TempDir
    Path dir;

    @Test
    void cmykJpegWithAdobeMarkerBecomesRgb() throws IOException {
        // Adobe CMYK JPEGs store inverted inks: 255 = no ink. Left half: pure K (black); right: M+Y (red).
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                cmyk.setPixel(x, y, x < 8 ? new int[] {255, 255, 255, 0} : new int[] {255, 0, 0, 255});
            }
        }
        byte[] jpeg = encodeJpeg(new IIOImage(cmyk, null, null), null);
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        Path file = dir.resolve("cmyk.jpg");
        Files.write(file, concat(Arrays.copyOf(jpeg, 2), adobe, Arrays.copyOfRange(jpeg, 2, jpeg.length)));

        BufferedImage rgb = ImageDecoder.readRgb(file);

        assertThat(rgb.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(rgb.getWidth()).isEqualTo(16);
        int[] black = rgbAt(rgb, 3, 8);
        int[] red = rgbAt(rgb, 12, 8);
        assertThat(Arrays.stream(black).max().orElseThrow()).isLessThan(60);
        assertThat(red[0]).isGreaterThan(200);
        assertThat(red[1]).isLessThan(80);
        assertThat(red[2]).isLessThan(80);
    }

    @Test
    void progressiveJpegDecodesLikeBaseline() throws IOException {
        BufferedImage src = gradient(64, 48);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        writer.dispose();
        Path progressive = dir.resolve("progressive.jpg");
        Files.write(progressive, encodeJpeg(new IIOImage(src, null, null), param));
        assertThat(containsMarker(Files.readAllBytes(progressive), 0xC2)).as("SOF2 (progressive) marker").isTrue();

        BufferedImage decoded = ImageDecoder.readRgb(progressive);

        assertThat(decoded.getWidth()).isEqualTo(64);
        assertThat(decoded.getHeight()).isEqualTo(48);
        assertThat(meanAbsDiff(decoded, src)).isLessThan(4.0);
    }

    @Test
    void greyPngIsReplicatedWithoutGammaChange() throws IOException {
        BufferedImage grey = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(2, 1, 0, 100);
        Path file = write(grey, "png", "grey.png");

        BufferedImage rgb = ImageDecoder.readRgb(file);

        // Java2D's getRGB on TYPE_BYTE_GRAY would give ~170 here (linear-to-sRGB); Pillow gives 100.
        assertThat(rgbAt(rgb, 2, 1)).containsExactly(100, 100, 100);
        assertThat(rgbAt(rgb, 0, 0)).containsExactly(0, 0, 0);
    }

    @Test
    void sixteenBitGreyKeepsTheHighByte() throws IOException {
        BufferedImage grey = new BufferedImage(3, 3, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setSample(1, 1, 0, 0xABCD);
        BufferedImage rgb = ImageDecoder.readRgb(write(grey, "png", "grey16.png"));
        assertThat(rgbAt(rgb, 1, 1)).containsExactly(0xAB, 0xAB, 0xAB);
    }

    @Test
    void rgbaPngDropsAlphaWithoutCompositing() throws IOException {
        BufferedImage rgba = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x000AC81E); // fully transparent (10, 200, 30)
        rgba.setRGB(1, 0, 0x80FF0000); // half transparent red
        Path file = write(rgba, "png", "rgba.png");

        assertThat(ImageDecoder.read(file).getColorModel().hasAlpha()).isTrue();
        BufferedImage rgb = ImageDecoder.readRgb(file);

        assertThat(rgb.getColorModel().hasAlpha()).isFalse();
        assertThat(rgbAt(rgb, 0, 0)).containsExactly(10, 200, 30);
        assertThat(rgbAt(rgb, 1, 0)).containsExactly(255, 0, 0);
    }

    @Test
    void gifGivesTheFirstFrameThroughItsPalette() throws IOException {
        Path file = dir.resolve("anim.gif");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(paletteImage(0xFF2040, 0x10E0F0), null, null), null);
            writer.writeToSequence(new IIOImage(paletteImage(0x0000FF, 0x00FF00), null, null), null);
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }

        assertThat(ImageDecoder.read(file).getColorModel()).isInstanceOf(IndexColorModel.class);
        BufferedImage rgb = ImageDecoder.readRgb(file);

        assertThat(rgbAt(rgb, 0, 0)).containsExactly(0xFF, 0x20, 0x40);
        assertThat(rgbAt(rgb, 7, 5)).containsExactly(0x10, 0xE0, 0xF0);
    }

    @Test
    void bmpRoundTripsExactly() throws IOException {
        BufferedImage src = gradient(13, 7);
        BufferedImage bgr = new BufferedImage(13, 7, BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(src, 0, 0, null);
        BufferedImage rgb = ImageDecoder.readRgb(write(bgr, "bmp", "img.bmp"));
        assertThat(meanAbsDiff(rgb, bgr)).isZero();
        assertThat(rgbAt(rgb, 12, 6)).containsExactly(rgbAt(bgr, 12, 6));
    }

    @Test
    void truncatedJpegIsAnErrorNamingTheFile() throws IOException {
        BufferedImage src = gradient(64, 64);
        byte[] jpeg = encodeJpeg(new IIOImage(src, null, null), null);
        Path file = dir.resolve("cut.jpg");
        Files.write(file, Arrays.copyOf(jpeg, jpeg.length * 2 / 3));

        assertThatThrownBy(() -> ImageDecoder.readRgb(file))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated")
                .hasMessageNotContaining("\n");
    }

    @Test
    void jpegMissingOnlyItsEndMarkerStillDecodes() throws IOException {
        byte[] jpeg = encodeJpeg(new IIOImage(gradient(32, 32), null, null), null);
        Path file = dir.resolve("noeoi.jpg");
        Files.write(file, Arrays.copyOf(jpeg, jpeg.length - 2));
        assertThat(ImageDecoder.readRgb(file).getWidth()).isEqualTo(32);
    }

    @Test
    void nonImageFileIsAnErrorNamingTheFile() throws IOException {
        Path file = dir.resolve("notes.jpg");
        Files.writeString(file, "these are not pixels");
        assertThatThrownBy(() -> ImageDecoder.readRgb(file))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("unknown or unsupported image format");
    }

    @Test
    void missingFileIsAnErrorNamingTheFile() {
        Path file = dir.resolve("nowhere.png");
        assertThatThrownBy(() -> ImageDecoder.readRgb(file))
                .isInstanceOf(InvalidImageException.class)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("no such file");
    }

    @Test
    void truncatedPngIsAnError() throws IOException {
        BufferedImage src = gradient(40, 40);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(src, "png", png);
        Path file = dir.resolve("cut.png");
        Files.write(file, Arrays.copyOf(png.toByteArray(), png.size() / 2));
        assertThatThrownBy(() -> ImageDecoder.readRgb(file))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void concurrentDecodesAgree() throws Exception {
        Path png = write(gradient(120, 90), "png", "a.png");
        Path jpg = dir.resolve("b.jpg");
        Files.write(jpg, encodeJpeg(new IIOImage(gradient(120, 90), null, null), null));
        int[] pngRef = pixels(ImageDecoder.readRgb(png));
        int[] jpgRef = pixels(ImageDecoder.readRgb(jpg));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                boolean usePng = i % 2 == 0;
                results.add(pool.submit(() -> Arrays.equals(
                        pixels(ImageDecoder.readRgb(usePng ? png : jpg)), usePng ? pngRef : jpgRef)));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers ----

    static BufferedImage gradient(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / Math.max(1, w - 1)) << 16 | (y * 255 / Math.max(1, h - 1)) << 8 | 128);
            }
        }
        return img;
    }

    /** 8x6 two-colour palette image: left half colour a, right half colour b. */
    static BufferedImage paletteImage(int a, int b) {
        IndexColorModel icm = new IndexColorModel(1, 2,
                new byte[] {(byte) (a >> 16), (byte) (b >> 16)},
                new byte[] {(byte) (a >> 8), (byte) (b >> 8)},
                new byte[] {(byte) a, (byte) b});
        BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_BINARY, icm);
        for (int y = 0; y < 6; y++) {
            for (int x = 4; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, 1);
            }
        }
        return img;
    }

    static int[] rgbAt(BufferedImage img, int x, int y) {
        int p = img.getRGB(x, y);
        return new int[] {p >> 16 & 0xff, p >> 8 & 0xff, p & 0xff};
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static double meanAbsDiff(BufferedImage a, BufferedImage b) {
        int[] pa = pixels(a);
        int[] pb = pixels(b);
        long sum = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int s = 0; s < 24; s += 8) {
                sum += Math.abs((pa[i] >> s & 0xff) - (pb[i] >> s & 0xff));
            }
        }
        return sum / (3.0 * pa.length);
    }

    private Path write(BufferedImage img, String format, String name) throws IOException {
        Path file = dir.resolve(name);
        assertThat(ImageIO.write(img, format, file.toFile())).as("ImageIO can write %s", format).isTrue();
        return file;
    }

    private static byte[] encodeJpeg(IIOImage image, ImageWriteParam param) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, image, param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static boolean containsMarker(byte[] jpeg, int marker) {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xFF && (jpeg[i + 1] & 0xff) == marker) {
                return true;
            }
        }
        return false;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
