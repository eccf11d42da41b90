package org.dpl4j.data;

/** An image that could not be decoded or transformed; the message names the file. */
public class BadSampleException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Sample sample;

    public BadSampleException(Sample sample, Throwable cause) {
        super("cannot load image " + sample.path() + ": " + cause, cause);
        this.sample = sample;
    }

    /** The sample at fault. */
    public Sample sample() {
        return sample;
    }
}
