package org.dpl4j.data.image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An image that cannot be turned into pixels: missing, not an image, corrupt/truncated, or too large.
 *
 * <p>Checked (and an {@link IOException}) so that data loaders must decide whether one bad file
 * aborts a run or is skipped. The message is a single line naming the file (or the in-memory source,
 * such as an HTTP request) and the reason, because it usually ends up in a log line of a background
 * decoding thread or in an HTTP 400 answer.
 */
public class InvalidImageException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public InvalidImageException(Path file, String reason) {
        this(file, reason, null);
    }

    public InvalidImageException(Path file, String reason, Throwable cause) {
        this(file, String.valueOf(file), reason, cause);
    }

    /** An image that is not a file: {@code source} names it (e.g. "the request body"). */
    public InvalidImageException(String source, String reason, Throwable cause) {
        this(null, source, reason, cause);
    }

    /** {@code file} may be null; {@code source} names the image in the message. */
    protected InvalidImageException(Path file, String source, String reason, Throwable cause) {
        super("cannot read image " + source + ": " + oneLine(reason), cause);
        this.file = file;
    }

    /** The file that could not be decoded, or null for an in-memory image. */
    public Path file() {
        return file;
    }

    private static String oneLine(String s) {
        return s == null ? "unknown reason" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
