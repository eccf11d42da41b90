package org.dpl4j.training;

import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;

/**
 * Anything that scores a batch of preprocessed images against a fixed set of classes, so that
 * {@link Evaluator} can measure prompted CLIP and zero-shot CLIP with the same loop.
 */
public interface ImageClassifier {

    /** Logits (B, C) of a batch of images, in the caller's scope (the evaluator opens one per batch). */
    Tensor logits(Batch batch);
}
