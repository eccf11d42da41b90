package org.dpl4j.data.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * 8-bit pixels, interleaved and row-major, in one of the three shapes that Pillow treats
 * differently when resizing: opaque RGB (also grey, replicated), RGBA (also grey+alpha), and
 * palette images (looked up to RGB here, but Pillow resizes them nearest-neighbour).
 *
 * <p>Samples are taken as stored, like Pillow and unlike Java2D's colour-managed
 * {@link BufferedImage#getRGB}: no gamma or ICC conversion (Java treats {@code TYPE_BYTE_GRAY} as
 * linear and would brighten it). Wider samples keep their most significant byte, as Pillow does for
 * 16-bit RGB PNGs. Anything else (premultiplied alpha, exotic colour spaces) goes through
 * {@code getRGB}.
 */
final class Pixels {
    /** How Pillow would hold the image, which decides how it is resized. */
    enum Kind {
        /** Pillow "RGB" or "L": bicubic. 3 channels. */
        RGB(3),
        /** Pillow "RGBA" or "LA": bicubic on premultiplied alpha. 4 channels, not premultiplied. */
        RGBA(4),
        /** Pillow "P" or "1": always nearest-neighbour. 3 channels (palette already looked up). */
        PALETTE(3);

        final int channels;

        Kind(int channels) {
            this.channels = channels;
        }
    }

    final int width;
    final int height;
    final Kind kind;
    /** {@code width * height * kind.channels} bytes. */
    final byte[] data;

    Pixels(int width, int height, Kind kind, byte[] data) {
        if (data.length != width * height * kind.channels) {
            throw new IllegalArgumentException("expected " + width * height * kind.channels + " bytes, got " + data.length);
        }
        this.width = width;
        this.height = height;
        this.kind = kind;
        this.data = data;
    }

    /** The pixels of any decoded image (which is not modified). */
    static Pixels of(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        if (cm instanceof IndexColorModel icm) {
            return fromPalette(icm, raster);
        }
        Kind kind = cm.hasAlpha() ? Kind.RGBA : Kind.RGB;
        int type = img.getType();
        if (type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB) {
            return fromPackedInts(img, kind, false);
        }
        int alphaBand = cm.getNumColorComponents();
        if (isRawReadable(cm, raster, ColorSpace.TYPE_RGB, 3)) {
            return fromBands(raster, cm, kind, new int[] {0, 1, 2, alphaBand});
        }
        if (isRawReadable(cm, raster, ColorSpace.TYPE_GRAY, 1)) {
            return fromBands(raster, cm, kind, new int[] {0, 0, 0, alphaBand});
        }
        return fromPackedInts(img, kind, true);
    }

    /** These pixels as opaque RGB: alpha is dropped, not composited, as in Pillow's {@code convert("RGB")}. */
    byte[] rgb() {
        if (kind.channels == 3) {
            return data;
        }
        byte[] out = new byte[width * height * 3];
        for (int i = 0, o = 0; o < out.length; i += 4) {
            out[o++] = data[i];
            out[o++] = data[i + 1];
            out[o++] = data[i + 2];
        }
        return out;
    }

    /** A {@code TYPE_INT_RGB} image of {@link #rgb()}. */
    BufferedImage toRgbImage() {
        byte[] rgb = rgb();
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0, i = y * width * 3; x < width; x++, i += 3) {
                row[x] = (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
            }
            img.getRaster().setDataElements(0, y, width, 1, row);
        }
        return img;
    }

    private static Pixels fromPalette(IndexColorModel icm, Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] idx = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, idx);
            for (int x = 0, o = y * w * 3; x < w; x++) {
                out[o++] = (byte) icm.getRed(idx[x]);
                out[o++] = (byte) icm.getGreen(idx[x]);
                out[o++] = (byte) icm.getBlue(idx[x]);
            }
        }
        return new Pixels(w, h, isLowDepthGreyRamp(icm) ? Kind.RGB : Kind.PALETTE, out);
    }

    /**
     * Java's PNG reader reports 2- and 4-bit greyscale PNGs as palette images with a grey ramp;
     * Pillow opens those as "L" (resized bicubic), so they must not be treated as palettes.
     */
    private static boolean isLowDepthGreyRamp(IndexColorModel icm) {
        int bits = icm.getPixelSize();
        if ((bits != 2 && bits != 4) || icm.getMapSize() != 1 << bits || icm.hasAlpha()) {
            return false;
        }
        int max = (1 << bits) - 1;
        for (int i = 0; i <= max; i++) {
            int v = i * 255 / max;
            if (icm.getRed(i) != v || icm.getGreen(i) != v || icm.getBlue(i) != v) {
                return false;
            }
        }
        return true;
    }

    private static Pixels fromPackedInts(BufferedImage img, Kind kind, boolean viaGetRgb) {
        int w = img.getWidth();
        int h = img.getHeight();
        int c = kind.channels;
        byte[] out = new byte[w * h * c];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            if (viaGetRgb) {
                img.getRGB(0, y, w, 1, row, 0, w);
            } else {
                img.getRaster().getDataElements(0, y, w, 1, row);
            }
            for (int x = 0, o = y * w * c; x < w; x++) {
                int p = row[x];
                out[o++] = (byte) (p >>> 16);
                out[o++] = (byte) (p >>> 8);
                out[o++] = (byte) p;
                if (c == 4) {
                    out[o++] = (byte) (p >>> 24);
                }
            }
        }
        return new Pixels(w, h, kind, out);
    }

    /** Whether the raster holds plain unsigned integer samples of the given colour space (plus optional alpha). */
    private static boolean isRawReadable(ColorModel cm, Raster raster, int csType, int colorBands) {
        if (!(cm instanceof ComponentColorModel || cm instanceof DirectColorModel)
                || cm.isAlphaPremultiplied()
                || cm.getColorSpace().getType() != csType
                || cm.getNumColorComponents() != colorBands
                || raster.getNumBands() != cm.getNumComponents()) {
            return false;
        }
        int dt = raster.getDataBuffer().getDataType();
        return dt == DataBuffer.TYPE_BYTE || dt == DataBuffer.TYPE_USHORT || dt == DataBuffer.TYPE_INT;
    }

    /** Copies bands {@code bandOf[0..channels)} (R, G, B, A) as 8-bit samples. */
    private static Pixels fromBands(Raster raster, ColorModel cm, Kind kind, int[] bandOf) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int c = kind.channels;
        int bands = raster.getNumBands();
        int[][] rows = new int[bands][w];
        int[] bits = new int[bands];
        for (int b = 0; b < bands; b++) {
            bits[b] = cm.getComponentSize(b);
        }
        byte[] out = new byte[w * h * c];
        if (raster.getTransferType() == DataBuffer.TYPE_BYTE && Arrays.stream(bits).allMatch(b -> b == 8)) {
            // Fast path for the usual 8-bit decodes: one interleaved row per call, in band order.
            byte[] row = new byte[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getDataElements(0, y, w, 1, row);
                for (int x = 0, o = y * w * c; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        out[o++] = row[x * bands + bandOf[ch]];
                    }
                }
            }
            return new Pixels(w, h, kind, out);
        }
        for (int y = 0; y < h; y++) {
            for (int b = 0; b < bands; b++) {
                raster.getSamples(0, y, w, 1, b, rows[b]);
            }
            for (int x = 0, o = y * w * c; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    int b = bandOf[ch];
                    out[o++] = (byte) to8Bit(rows[b][x], bits[b]);
                }
            }
        }
        return new Pixels(w, h, kind, out);
    }

    private static int to8Bit(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return v >>> (bits - 8);
        }
        int max = (1 << bits) - 1;
        return (v * 255 + max / 2) / max;
    }
}
