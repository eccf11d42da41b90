package org.dpl4j.training;

import java.util.function.Supplier;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptLearner.FrozenText;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;

/**
 * A frozen classifier for evaluation and prediction: CLIP with fixed prompts, whose class text
 * features are computed once at construction where the method allows (not for CoCoOp, whose
 * text features depend on the image).
 *
 * <p>Whatever the scorer keeps (text features, their transposes) is made while a scope of this
 * object's own is open; that scope outlives the construction and is released by {@link #close()},
 * so the classifier may outlive the scope it was made in (a server keeps one for its lifetime).
 */
public final class PromptedClassifier implements ImageClassifier, AutoCloseable {
    private final Scope kept;
    private final PromptLearner.Scorer scorer;
    private final Device device;
    private final int resolution;

    /**
     * @param texts the learner's text input for the classes ({@link PromptLearner#texts}); it must stay
     *     alive as long as this classifier, since CoCoOp's scorer reads it for every batch
     */
    public PromptedClassifier(ClipModel clip, PromptLearner prompts, ClassTexts texts) {
        this.kept = Scope.open();
        this.scorer = made(kept, () -> prompts.freeze(clip, texts));
        this.device = clip.device();
        this.resolution = clip.config().imageResolution();
    }

    /**
     * A classifier over class text features computed before (a run's stored ones, an exported
     * bundle's): {@code features} (C, E) as {@link FrozenText#textFeatures} gives them, images
     * through {@code prompts}' image encoder; the caller keeps its tensor.
     */
    public PromptedClassifier(ClipModel clip, FrozenText prompts, Tensor features) {
        this.kept = Scope.open();
        this.scorer = made(kept, () -> PromptLearner.Scorer.fixedText(clip,
                features.to(clip.device(), features.scalar_type()), prompts.imageEncoder(clip)));
        this.device = clip.device();
        this.resolution = clip.config().imageResolution();
    }

    /**
     * The scorer {@code make} builds without autograd while {@code kept} is the innermost scope; then
     * leaves {@code kept}, keeping what was made in it until {@link #close()} (released at once on failure).
     */
    private static PromptLearner.Scorer made(Scope kept, Supplier<PromptLearner.Scorer> make) {
        boolean made = false;
        try (NoGrad g = NoGrad.open()) {
            PromptLearner.Scorer s = make.get();
            made = true;
            return s;
        } finally {
            if (made) {
                kept.detach();
            } else {
                kept.close();
            }
        }
    }

    /** Logits (B, C) of a batch of preprocessed images, in the caller's scope, without autograd (on this thread). */
    public Tensor logits(float[] pixels, int batch) {
        try (NoGrad g = NoGrad.open()) {
            return scorer.logits(Tensors.floats(pixels, device, batch, 3, resolution, resolution));
        }
    }

    @Override
    public Tensor logits(Batch b) {
        return logits(b.pixels(), b.labels().length);
    }

    @Override
    public void close() {
        kept.release();
    }
}
