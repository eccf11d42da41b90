package org.dpl4j.model;

/** A weight file that is not a CLIP checkpoint of the expected format or architecture. */
public class WeightFormatException extends RuntimeException {
    public WeightFormatException(String message) {
        super(message);
    }

    public WeightFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
