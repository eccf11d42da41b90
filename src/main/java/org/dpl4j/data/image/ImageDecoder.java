package org.dpl4j.data.image;

import java.awt.image.BufferedImage;
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
    private ImageDecoder() {}

    /**
     * Decodes {@code file} (the first frame of multi-frame files) into a {@code TYPE_INT_RGB} image,
     * as Pillow's {@code Image.open(file).convert("RGB")} (what {@link DecodeOrder#DASSL} resizes).
     *
     * @throws InvalidImageException naming the file when it is missing, not a known image format, or
     *     truncated/corrupt
     */
    public static BufferedImage readRgb(Path file) throws InvalidImageException {
        return Pixels.of(read(file)).toRgbImage();
    }

    /**
     * Decodes the first frame of {@code file} as the reader produced it (palette, grey or alpha kept).
     *
     * <p>This is what {@link DecodeOrder#OPENAI} hands to {@link ClipTransforms}: OpenAI's preprocess
     * resizes before {@code convert("RGB")}, and Pillow resizes RGBA images premultiplied and palette
     * images nearest-neighbour, which the transforms can only reproduce when they see the alpha channel
     * or the palette. For opaque non-palette files it gives the same transform output as {@link #readRgb}.
     *
     * @throws InvalidImageException as {@link #readRgb}
     */
    public static BufferedImage read(Path file) throws InvalidImageException {
        if (!Files.exists(file)) {
            throw new InvalidImageException(file, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidImageException(file, "not a regular file");
        }
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidImageException(file, "unknown or unsupported image format");
            }
            ImageReader reader = readers.next();
            try {
                return readFirstFrame(file, reader, in);
            } finally {
                reader.dispose();
            }
        } catch (InvalidImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // RuntimeException: decoders throw e.g. ArrayIndexOutOfBounds or IllegalArgument on bad data.
            throw new InvalidImageException(file, "corrupt or truncated image data (" + describe(e) + ")", e);
        }
    }

    private static BufferedImage readFirstFrame(Path file, ImageReader reader, ImageInputStream in) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(in, true, true);
        BufferedImage img = reader.read(0);
        for (String w : warnings) {
            if (isTruncation(w)) {
                throw new InvalidImageException(file, "truncated image data (" + w + ")");
            }
        }
        if (img == null || img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new InvalidImageException(file, "no image data");
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
