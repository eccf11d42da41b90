package org.dpl4j.data;

import java.io.IOException;

/**
 * A dataset on disk does not match its expected layout: a missing folder or image, a malformed
 * split file, inconsistent labels. The message is one line and names the file at fault, because
 * the person reading it has to go and fix that file.
 */
public class DatasetException extends IOException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
