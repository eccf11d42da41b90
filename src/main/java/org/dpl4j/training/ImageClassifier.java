package org.dpl4j.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.dpl4j.data.Batch;

/**
 * Anything that scores a batch of preprocessed images against a fixed set of classes, so that
 * {@link Evaluator} can measure prompted CLIP and zero-shot CLIP with the same loop.
 */
public interface ImageClassifier {

    /** Logits (B, C) of a batch of images; every intermediate is allocated in {@code scope}. */
    NDArray logits(NDManager scope, Batch batch);
}
