package org.dpl4j.data;

/**
 * What a loader does with an image that a split file lists but that is not on disk.
 * {@link #FAIL} is the default because a silently smaller test split changes reported accuracy;
 * {@link #SKIP} exists for partial copies of a dataset, and logs how many files it dropped.
 */
public enum MissingFilePolicy {
    /** Throw a {@link DatasetException} naming the first missing file and the split file. */
    FAIL,
    /** Drop missing files from their split and log a warning with the count. */
    SKIP
}
