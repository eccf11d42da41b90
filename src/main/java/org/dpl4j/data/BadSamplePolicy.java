package org.dpl4j.data;

/**
 * What {@link BatchLoader} does when a {@link SampleTransform} fails on an image (an
 * {@code IOException}, or a {@code RuntimeException}, which image decoders throw on corrupt data).
 */
public enum BadSamplePolicy {
    /** Leave the image out, count it ({@link BatchLoader#skippedCount()}) and fill the batch from the next ones. */
    SKIP,
    /** Stop the epoch: the iterator throws a {@link BadSampleException} naming the file. */
    FAIL
}
