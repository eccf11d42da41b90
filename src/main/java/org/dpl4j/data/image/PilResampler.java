package org.dpl4j.data.image;

import java.util.Arrays;

/**
 * Pillow's resamplers for 8-bit images ({@code Image.resize(..., BICUBIC)} and NEAREST), bit for bit.
 *
 * <p>Why not {@code Graphics2D} or {@code AffineTransformOp}: their bicubic does not widen the
 * kernel when downscaling (no antialiasing) and uses a different kernel, so a CLIP model trained on
 * PIL-preprocessed images would see systematically sharper, aliased inputs. Pillow instead scales the
 * support of the a = -0.5 cubic kernel by the downscale factor, normalises the taps per output pixel,
 * stores them as 22-bit fixed-point integers and rounds to uint8 after each of the two separable
 * passes (horizontal first, and a pass is skipped when that dimension keeps its size). This class
 * reproduces all of that, including the rounding, so results match Pillow exactly.
 *
 * <p>Pixels are interleaved 8-bit samples with {@code channels} samples per pixel; a rectangular
 * region of the source can be resampled without copying it first (that is what
 * {@code crop(box).resize(size)} does in Pillow: the region's edges are the image's edges).
 * Stateless and thread-safe.
 */
final class PilResampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double BICUBIC_SUPPORT = 2.0;

    private PilResampler() {}

    /**
     * Resamples {@code src[regionX.., regionY..]} (a {@code regionW x regionH} window of an image
     * {@code srcW} pixels wide) to {@code outW x outH}.
     */
    static byte[] bicubic(byte[] src, int srcW, int channels,
                          int regionX, int regionY, int regionW, int regionH, int outW, int outH) {
        requireNonEmpty(regionW, regionH, outW, outH);
        if (channels != 3 && channels != 4) {
            throw new IllegalArgumentException("bicubic supports 3 or 4 channels, not " + channels);
        }
        Coefficients horiz = Coefficients.of(regionW, outW);
        Coefficients vert = Coefficients.of(regionH, outH);
        boolean needHorizontal = outW != regionW;
        boolean needVertical = outH != regionH;

        byte[] img = src;
        int imgW = srcW;
        int x0 = regionX;
        int y0 = regionY;
        int vertShift = 0;
        if (needHorizontal) {
            // Only the source rows the vertical pass will read are resampled horizontally.
            int first = vert.start[0];
            int last = vert.start[outH - 1] + vert.count[outH - 1];
            img = horizontal(src, srcW, channels, regionX, regionY + first, last - first, horiz);
            imgW = outW;
            x0 = 0;
            y0 = 0;
            vertShift = first;
        }
        if (needVertical) {
            return vertical(img, imgW, channels, x0, y0, outW, vert, vertShift);
        }
        if (needHorizontal) {
            return img;
        }
        return copyRegion(src, srcW, channels, regionX, regionY, regionW, regionH);
    }

    /**
     * Pillow's nearest-neighbour resize (what {@code resize} silently uses for palette and bilevel
     * images whatever filter is asked for): output pixel {@code x} takes source pixel
     * {@code floor((x + 0.5) * in/out)}, with the position accumulated in double as Pillow does.
     */
    static byte[] nearest(byte[] src, int srcW, int channels,
                          int regionX, int regionY, int regionW, int regionH, int outW, int outH) {
        requireNonEmpty(regionW, regionH, outW, outH);
        int[] xs = nearestTable(regionW, outW);
        int[] ys = nearestTable(regionH, outH);
        byte[] out = new byte[outW * outH * channels];
        int o = 0;
        for (int y = 0; y < outH; y++) {
            int rowBase = ((regionY + ys[y]) * srcW + regionX) * channels;
            for (int x = 0; x < outW; x++) {
                System.arraycopy(src, rowBase + xs[x] * channels, out, o, channels);
                o += channels;
            }
        }
        return out;
    }

    private static int[] nearestTable(int inSize, int outSize) {
        double step = (double) inSize / outSize;
        double pos = step * 0.5;
        int[] table = new int[outSize];
        for (int i = 0; i < outSize; i++) {
            table[i] = Math.min((int) pos, inSize - 1);
            pos += step;
        }
        return table;
    }

    private static byte[] horizontal(byte[] src, int srcW, int c, int x0, int y0, int rows, Coefficients k) {
        int outW = k.count.length;
        byte[] out = new byte[outW * rows * c];
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < rows; y++) {
            int rowBase = ((y0 + y) * srcW + x0) * c;
            int o = y * outW * c;
            for (int xx = 0; xx < outW; xx++) {
                int n = k.count[xx];
                int kb = xx * k.ksize;
                int p = rowBase + k.start[xx] * c;
                // All channels of a tap at once: one weight load, contiguous source bytes.
                int ss0 = half;
                int ss1 = half;
                int ss2 = half;
                int ss3 = half;
                for (int x = 0; x < n; x++, p += c) {
                    int w = k.weights[kb + x];
                    ss0 += (src[p] & 0xff) * w;
                    ss1 += (src[p + 1] & 0xff) * w;
                    ss2 += (src[p + 2] & 0xff) * w;
                    if (c == 4) {
                        ss3 += (src[p + 3] & 0xff) * w;
                    }
                }
                out[o++] = clip8(ss0);
                out[o++] = clip8(ss1);
                out[o++] = clip8(ss2);
                if (c == 4) {
                    out[o++] = clip8(ss3);
                }
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] src, int srcW, int c, int x0, int y0, int outW, Coefficients k, int shift) {
        int outH = k.count.length;
        int rowLen = outW * c;
        byte[] out = new byte[rowLen * outH];
        int[] acc = new int[rowLen];
        int rowStride = srcW * c;
        for (int yy = 0; yy < outH; yy++) {
            Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            int n = k.count[yy];
            int kb = yy * k.ksize;
            int p0 = (y0 + k.start[yy] - shift) * rowStride + x0 * c;
            // Row by row over the taps, so the inner loop runs over contiguous samples.
            for (int y = 0; y < n; y++) {
                int w = k.weights[kb + y];
                int p = p0 + y * rowStride;
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += (src[p + i] & 0xff) * w;
                }
            }
            int o = yy * rowLen;
            for (int i = 0; i < rowLen; i++) {
                out[o + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    private static void requireNonEmpty(int regionW, int regionH, int outW, int outH) {
        if (regionW <= 0 || regionH <= 0 || outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("empty resize " + regionW + "x" + regionH + " -> " + outW + "x" + outH);
        }
    }

    private static byte clip8(int ss) {
        if (ss >= (1 << PRECISION_BITS << 8)) {
            return (byte) 255;
        }
        if (ss <= 0) {
            return 0;
        }
        return (byte) (ss >> PRECISION_BITS);
    }

    private static byte[] copyRegion(byte[] src, int srcW, int c, int x0, int y0, int w, int h) {
        byte[] out = new byte[w * h * c];
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, ((y0 + y) * srcW + x0) * c, out, y * w * c, w * c);
        }
        return out;
    }

    static double cubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Per-output-pixel taps along one axis: Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc}. */
    static final class Coefficients {
        final int ksize;
        final int[] start;
        final int[] count;
        final int[] weights;

        private Coefficients(int ksize, int[] start, int[] count, int[] weights) {
            this.ksize = ksize;
            this.start = start;
            this.count = count;
            this.weights = weights;
        }

        static Coefficients of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = BICUBIC_SUPPORT * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[outSize * ksize];
            double[] k = new double[ksize];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    k[x] = cubic((x + xmin - center + 0.5) * ss);
                    ww += k[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double w = ww != 0.0 ? k[x] / ww : k[x];
                    double fixed = w * (1 << PRECISION_BITS);
                    weights[xx * ksize + x] = (int) (w < 0 ? fixed - 0.5 : fixed + 0.5);
                }
                start[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(ksize, start, count, weights);
        }
    }
}
