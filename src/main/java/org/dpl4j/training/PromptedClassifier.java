package org.dpl4j.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dpl4j.data.Batch;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.Ops;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptLearner;

/**
 * A frozen classifier for evaluation and prediction: CLIP with fixed prompts, whose class text
 * features are computed once at construction where the method allows (not for CoCoOp, whose
 * text features depend on the image).
 */
public final class PromptedClassifier implements ImageClassifier, AutoCloseable {
    private final NDManager manager;
    private final PromptLearner.Scorer scorer;
    private final int resolution;

    /** @param texts the learner's text input for the classes ({@link PromptLearner#texts}) */
    public PromptedClassifier(ClipModel clip, PromptLearner prompts, ClassTexts texts, NDManager parent) {
        this.manager = parent.newSubManager();
        this.scorer = prompts.freeze(clip, texts, manager);
        this.resolution = clip.config().imageResolution();
    }

    /**
     * A classifier over class text features computed before (an exported bundle's): {@code features}
     * (C, E) as {@link DeepPrompts#textFeatures} gives them; they are copied, the caller keeps its array.
     */
    public PromptedClassifier(ClipModel clip, BlockAttention imageAttention, NDArray features, NDManager parent) {
        this.manager = parent.newSubManager();
        this.scorer = PromptLearner.Scorer.fixedText(clip, Ops.into(manager, features),
                images -> clip.image().encode(images, imageAttention));
        this.resolution = clip.config().imageResolution();
    }

    /** Logits (B, C) of a batch of preprocessed images; everything is allocated in {@code scope}. */
    public NDArray logits(NDManager scope, float[] pixels, int batch) {
        return scorer.logits(scope, scope.create(pixels, new Shape(batch, 3, resolution, resolution)));
    }

    @Override
    public NDArray logits(NDManager scope, Batch b) {
        return logits(scope, b.pixels(), b.labels().length);
    }

    @Override
    public void close() {
        manager.close();
    }
}
