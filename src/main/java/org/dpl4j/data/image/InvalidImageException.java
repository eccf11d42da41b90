package org.dpl4j.data.image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An image file that cannot be turned into pixels: missing, not an image, or corrupt/truncated.
 *
 * <p>Checked (and an {@link IOException}) so that data loaders must decide whether one bad file
 * aborts a run or is skipped. The message is a single line naming the file and the reason, because
 * it usually ends up in a log line of a background decoding thread.
 */
public class InvalidImageException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public InvalidImageException(Path file, String reason) {
        this(file, reason, null);
    }

    public InvalidImageException(Path file, String reason, Throwable cause) {
        super("cannot read image " + file + ": " + oneLine(reason), cause);
        this.file = file;
    }

    /** The file that could not be decoded. */
    public Path file() {
        return file;
    }

    private static String oneLine(String s) {
        return s == null ? "unknown reason" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
