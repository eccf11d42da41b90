package org.dpl4j.data.image;

/**
 * Pillow's {@code Image.resize(size, BICUBIC)} as the reference pipeline applies it, i.e. before
 * {@code convert("RGB")}, so the result depends on the image's mode:
 * <ul>
 *   <li>RGB / grey: bicubic;
 *   <li>RGBA / grey+alpha: Pillow premultiplies by alpha ("RGBa"), resizes, and divides back
 *       (integer division) before alpha is dropped, so colours under transparent pixels do not bleed;
 *       resizing the alpha-dropped image instead is off by 0.06-0.08 mean (normalised units) on the
 *       golden RGBA image;
 *   <li>palette / bilevel: Pillow ignores the requested filter and uses nearest-neighbour.
 * </ul>
 * {@code crop(region).resize(out)} is one call here: the region's edges act as the image's edges.
 */
final class PilResize {
    private PilResize() {}

    /** Resizes {@code region} of {@code px} to {@code outW x outH}; returns interleaved RGB bytes. */
    static byte[] toRgb(Pixels px, CropBox region, int outW, int outH) {
        if (region.left() + region.width() > px.width || region.top() + region.height() > px.height) {
            throw new IllegalArgumentException(region + " outside " + px.width + "x" + px.height + " image");
        }
        return switch (px.kind) {
            case RGB -> PilResampler.bicubic(px.data, px.width, 3,
                    region.left(), region.top(), region.width(), region.height(), outW, outH);
            case PALETTE -> PilResampler.nearest(px.data, px.width, 3,
                    region.left(), region.top(), region.width(), region.height(), outW, outH);
            case RGBA -> unpremultiplyToRgb(PilResampler.bicubic(premultiply(px.data), px.width, 4,
                    region.left(), region.top(), region.width(), region.height(), outW, outH));
        };
    }

    /** Pillow's RGBA to RGBa: {@code c * a / 255} rounded via its MULDIV255 trick. */
    static byte[] premultiply(byte[] rgba) {
        byte[] out = new byte[rgba.length];
        for (int i = 0; i < rgba.length; i += 4) {
            int a = rgba[i + 3] & 0xff;
            for (int c = 0; c < 3; c++) {
                int t = (rgba[i + c] & 0xff) * a + 128;
                out[i + c] = (byte) (((t >> 8) + t) >> 8);
            }
            out[i + 3] = (byte) a;
        }
        return out;
    }

    /** Pillow's RGBa to RGBA ({@code 255 * c / a}, truncating, clipped), keeping only RGB. */
    static byte[] unpremultiplyToRgb(byte[] rgba) {
        byte[] out = new byte[rgba.length / 4 * 3];
        for (int i = 0, o = 0; i < rgba.length; i += 4) {
            int a = rgba[i + 3] & 0xff;
            for (int c = 0; c < 3; c++) {
                int v = rgba[i + c] & 0xff;
                out[o++] = (byte) (a == 0 || a == 255 ? v : Math.min(255, 255 * v / a));
            }
        }
        return out;
    }
}
