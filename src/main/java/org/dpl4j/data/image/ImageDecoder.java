package org.dpl4j.data.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads image files (PNG, JPEG incl. CMYK/YCCK and progressive, GIF, BMP) into 8-bit RGB.
 *
 * <p>The reference pipeline opens images with Pillow and calls {@code convert("RGB")}; this class
 * gives the same pixels wherever Java's decoders agree with Pillow's (PNG, BMP, GIF, and JPEG through
 * the same IJG integer IDCT and fancy upsampling), see {@link Pixels} for the conversion rules.
 * JPEG goes through TwelveMonkeys' reader, which registers itself with ImageIO and handles the
 * CMYK/YCCK and odd-marker files the JDK reader rejects.
 *
 * <p>A truncated JPEG is an error, as in Pillow (where it raises "image file is truncated"); the JDK
 * decoder would only warn and return the missing part grey. Each call opens its own stream and
 * reader and touches no shared mutable state (not even ImageIO's global cache setting), so it is
 * safe to call from many decoding threads at once.
 */
public final class ImageDecoder {
    /**
     * The most pixels a file may declare, checked from its header before decoding: Pillow's
     * {@code DecompressionBombError} threshold ({@code 2 * MAX_IMAGE_PIXELS}, 2 × 89,478,485), so the
     * training data loader refuses the files the reference pipeline refuses.
     */
    public static final long MAX_PIXELS = 2L * 89_478_485;
    /**
     * The most times one side may be as long as the other, checked from the header too: CLIP's resize takes
     * the shorter side to the model's resolution, so a strip of a few thousand pixels (1 x 3600) would be
     * resized to 224 x 806400 (180 Mpx) before the centre crop keeps 224 x 224 of it. No photo is that long.
     */
    public static final int MAX_ASPECT = 100;

    private ImageDecoder() {}

    /**
     * Decodes {@code file} (the first frame of multi-frame files) into a {@code TYPE_INT_RGB} image,
     * as Pillow's {@code Image.open(file).convert("RGB")} (what {@link DecodeOrder#DASSL} resizes).
     *
     * @throws InvalidImageException naming the file when it is missing, not a known image format, or
     *     truncated/corrupt
     */
    public static BufferedImage readRgb(Path file) throws InvalidImageException {
        return toRgb(read(file));
    }

    /**
     * Decodes the first frame of {@code file} as the reader produced it (palette, grey or alpha kept).
     *
     * <p>This is what {@link DecodeOrder#OPENAI} hands to {@link ClipTransforms}: OpenAI's preprocess
     * resizes before {@code convert("RGB")}, and Pillow resizes RGBA images premultiplied and palette
     * images nearest-neighbour, which the transforms can only reproduce when they see the alpha channel
     * or the palette. For opaque non-palette files it gives the same transform output as {@link #readRgb}.
     *
     * @throws InvalidImageException as {@link #readRgb}; {@link ImageTooLargeException} above {@link #MAX_PIXELS}
     */
    public static BufferedImage read(Path file) throws InvalidImageException {
        return read(file, MAX_PIXELS);
    }

    /** As {@link #read(Path)}, refusing images whose header declares more than {@code maxPixels} pixels. */
    public static BufferedImage read(Path file, long maxPixels) throws InvalidImageException {
        if (!Files.exists(file)) {
            throw new InvalidImageException(file, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidImageException(file, "not a regular file");
        }
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            return decode(in, file, file.toString(), maxPixels);
        } catch (IOException e) {
            throw invalid(e, file, file.toString());
        }
    }

    /**
     * Decodes the first frame of an image held in memory (an upload), as {@link #read(Path)};
     * {@code source} names it in error messages.
     *
     * @throws ImageTooLargeException when the header declares more than {@code maxPixels} pixels
     * @throws InvalidImageException when the bytes are not a known image format, or corrupt
     */
    public static BufferedImage read(byte[] data, String source, long maxPixels) throws InvalidImageException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            return decode(in, null, source, maxPixels);
        } catch (IOException e) {
            throw invalid(e, null, source);
        }
    }

    /** A decoded image made 8-bit RGB the way Pillow's {@code convert("RGB")} does (see {@link Pixels}). */
    public static BufferedImage toRgb(BufferedImage img) {
        return Pixels.of(img).toRgbImage();
    }

    private static BufferedImage decode(ImageInputStream in, Path file, String source, long maxPixels) throws IOException {
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidImageException(file, source, "unknown or unsupported image format", null);
            }
            ImageReader reader = readers.next();
            try {
                return readFirstFrame(file, source, reader, in, maxPixels);
            } finally {
                reader.dispose();
            }
        } catch (RuntimeException e) {
            // decoders throw e.g. ArrayIndexOutOfBounds or IllegalArgument on bad data
            throw invalid(e, file, source);
        }
    }

    private static InvalidImageException invalid(Exception e, Path file, String source) {
        if (e instanceof InvalidImageException i) {
            return i;
        }
        return new InvalidImageException(file, source, "corrupt or truncated image data (" + describe(e) + ")", e);
    }

    private static BufferedImage readFirstFrame(Path file, String source, ImageReader reader, ImageInputStream in,
            long maxPixels) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((src, warning) -> warnings.add(warning));
        reader.setInput(in, true, true);
        // the header alone gives the size: refuse a decompression bomb before the decoder allocates its raster
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if ((long) w * h > maxPixels) {
            throw new ImageTooLargeException(file, source, w, h, maxPixels);
        }
        if (w > 0 && h > 0 && Math.max(w, h) / Math.min(w, h) >= MAX_ASPECT) {
            throw new InvalidImageException(file, source, w + "x" + h + " pixels: one side is " + MAX_ASPECT
                    + " or more times the other, which preprocessing would resize to a strip of millions of pixels;"
                    + " refused before decoding", null);
        }
        BufferedImage img = reader.read(0);
        for (String warning : warnings) {
            if (isTruncation(warning)) {
                throw new InvalidImageException(file, source, "truncated image data (" + warning + ")", null);
            }
        }
        if (img == null || img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new InvalidImageException(file, source, "no image data", null);
        }
        return img;
    }

    /**
     * libjpeg's "Premature end of JPEG file" / "Corrupt JPEG data: premature end of data segment" mean
     * the entropy-coded data ran out and the rest of the image was filled with grey. A lone
     * "Missing EOI marker" warning is not fatal: all pixels were decoded, only the end marker is gone.
     */
    private static boolean isTruncation(String warning) {
        return warning.toLowerCase(Locale.ROOT).contains("premature end");
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }
}
