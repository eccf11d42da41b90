package org.dpl4j.data.image;

import java.nio.file.Path;

/**
 * An image whose header declares more pixels than allowed, refused before any pixel is decoded: a
 * small file can declare 30000 × 30000 pixels (a "decompression bomb") and decoding it would need
 * gigabytes. A server answers it with 413; a data loader treats it as any other bad image.
 */
public final class ImageTooLargeException extends InvalidImageException {
    private static final long serialVersionUID = 1L;

    private final int width;
    private final int height;

    ImageTooLargeException(Path file, String source, int width, int height, long maxPixels) {
        super(file, source, reason(width, height, maxPixels), null);
        this.width = width;
        this.height = height;
    }

    private static String reason(int width, int height, long maxPixels) {
        return width + "x" + height + " pixels (" + (long) width * height + ") is more than the limit of " + maxPixels
                + " pixels; refused before decoding";
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }
}
