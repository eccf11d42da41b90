package org.dpl4j.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dpl4j.data.Batch;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.Ops;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;

/**
 * A frozen classifier for evaluation and prediction: CLIP with fixed prompts (or none), whose
 * class text features are computed once at construction, not once per batch.
 */
public final class PromptedClassifier implements ImageClassifier, AutoCloseable {
    private final ClipModel clip;
    private final BlockAttention imageAttention;
    private final NDManager manager;
    private final NDArray textT;
    private final int resolution;

    public PromptedClassifier(ClipModel clip, DeepPrompts prompts, ClassTexts texts, NDManager parent) {
        this.clip = clip;
        this.manager = parent.newSubManager();
        this.imageAttention = prompts == null ? BlockAttention.PLAIN : prompts.attention(Branch.IMAGE);
        this.textT = scaledTranspose(classFeatures(clip, prompts, texts, manager), clip);
        this.resolution = clip.config().imageResolution();
    }

    /**
     * A classifier over class text features computed before (an exported bundle's): {@code features}
     * (C, E) as {@link #classFeatures} gives them; they are copied, the caller keeps its array.
     */
    public PromptedClassifier(ClipModel clip, BlockAttention imageAttention, NDArray features, NDManager parent) {
        this.clip = clip;
        this.manager = parent.newSubManager();
        this.imageAttention = imageAttention;
        this.textT = scaledTranspose(Ops.into(manager, features), clip);
        this.resolution = clip.config().imageResolution();
    }

    /** The L2-normalised class text features (C, E) of the prompted text encoder, in {@code manager}. */
    public static NDArray classFeatures(ClipModel clip, DeepPrompts prompts, ClassTexts texts, NDManager manager) {
        BlockAttention ta = prompts == null ? BlockAttention.PLAIN : prompts.attention(Branch.TEXT);
        NDArray t = clip.text().encodeEmbeddings(manager, texts.input(manager, prompts == null ? null : prompts.context()),
                texts.eot(), ta, true);
        return ClipModel.normalize(t).stopGradient();
    }

    private static NDArray scaledTranspose(NDArray features, ClipModel clip) {
        return Ops.mul(features.transpose(), clip.scale()).stopGradient();
    }

    /** Logits (B, C) of a batch of preprocessed images; everything is allocated in {@code scope}. */
    public NDArray logits(NDManager scope, float[] pixels, int batch) {
        NDArray images = scope.create(pixels, new Shape(batch, 3, resolution, resolution));
        NDArray f = clip.image().encode(images, imageAttention);
        return ClipModel.normalize(f).matMul(textT);
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
