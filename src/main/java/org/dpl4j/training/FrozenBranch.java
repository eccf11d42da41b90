package org.dpl4j.training;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.Templates;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.util.Progress;

/**
 * PromptSRC's frozen branch: what the prompt-free CLIP says about the classes and about each
 * training image, the targets its self-regulating loss ({@link PromptSrcLoss}) pulls the prompted
 * features towards. Nothing here is learned or recorded by autograd.
 * <ul>
 *   <li>{@link #fixedEmbeddings()}: per class, the mean over the 60 {@link Templates#ENSEMBLE} templates
 *       of the plain text encoder's <i>unnormalised</i> features, computed once (the official
 *       {@code fixed_embeddings}). This is not {@link ZeroShotClassifier#ensembleFeatures}, which averages
 *       unit vectors: PromptSRC normalises only the mean. Both read the same
 *       {@link FeatureExtractor#templates} output.</li>
 *   <li>{@link #targets}: per training batch, the plain image encoder's normalised features ẑ
 *       (official {@code ZS_image_encoder}, same frozen weights) and
 *       {@code zero_shot_logits = exp(logit_scale) · ẑ f̂ᵀ}.</li>
 * </ul>
 * DPL's optional distillation teacher ({@link PromptTrainer}) is the same zero-shot image side
 * against other class features, through {@link #zeroShotLogits}.
 */
public final class FrozenBranch implements AutoCloseable {
    private final ClipModel clip;
    private final Owned owned = new Owned();
    private final Tensor fixed;
    private final Tensor fixedNorm;
    private final Tensor fixedNormT;

    private FrozenBranch(ClipModel clip, Tensor fixed) {
        this.clip = clip;
        this.fixed = owned.own(fixed);
        this.fixedNorm = owned.own(ClipModel.normalize(fixed));
        this.fixedNormT = owned.own(fixedNorm.t().contiguous());
    }

    /**
     * The frozen branch for {@code classNames} over PromptSRC's 60 templates; the {@code 60·C} texts
     * are encoded {@code textBatch} at a time.
     */
    public static FrozenBranch build(ClipModel clip, List<String> classNames, int textBatch, Progress.Factory progress) {
        return build(clip, classNames, Templates.ENSEMBLE, textBatch, progress);
    }

    /** As {@link #build(ClipModel, List, int, Progress.Factory)} over other templates. */
    public static FrozenBranch build(ClipModel clip, List<String> classNames, List<String> templates, int textBatch,
            Progress.Factory progress) {
        try (Scope s = Scope.open()) {
            return new FrozenBranch(clip, templateMean(clip, classNames, templates, textBatch, progress));
        }
    }

    /**
     * Per class, the mean over {@code templates} of the plain text features, unnormalised (C, E),
     * fp32, in the caller's scope and out of autograd.
     */
    public static Tensor templateMean(ClipModel clip, List<String> classNames, List<String> templates, int textBatch,
            Progress.Factory progress) {
        try (Scope s = Scope.open(); NoGrad g = NoGrad.open()) {
            return s.keep(Tensors.mean(FeatureExtractor.templates(clip, classNames, templates, textBatch, progress), 0, false)
                    .detach());
        }
    }

    /** {@code fixed_embeddings}: the template mean (C, E) before normalisation (owned by this branch). */
    public Tensor fixedEmbeddings() {
        return fixed;
    }

    /** f̂: {@link #fixedEmbeddings()} with unit rows (owned by this branch). */
    public Tensor fixedEmbeddingsNorm() {
        return fixedNorm;
    }

    /**
     * ẑ and the zero-shot logits of a batch of preprocessed images (B, 3, R, R), in the caller's
     * scope, out of autograd whatever guard is current.
     */
    public Targets targets(Tensor images) {
        Tensor z = zeroShotImage(clip, images);
        return new Targets(z, zeroShotLogits(clip, z, fixedNormT));
    }

    /**
     * ẑ: the plain image encoder's features of {@code images}, fp32, unit rows, in the caller's
     * scope and out of autograd.
     */
    public static Tensor zeroShotImage(ClipModel clip, Tensor images) {
        try (NoGrad g = NoGrad.open()) {
            return ClipModel.normalize(FeatureExtractor.images(clip, images)).detach();
        }
    }

    /**
     * {@code exp(logit_scale) · ẑ · classesT}: zero-shot logits (B, C) of unit image features ẑ
     * (B, E) against class features {@code classesT} (E, C), out of autograd. The scale multiplies
     * the product (the official code scales ẑ first: a rounding-level difference, kept so that DPL's
     * distillation teacher, which has always scaled last, computes the same bits as before).
     */
    public static Tensor zeroShotLogits(ClipModel clip, Tensor zeroShotImage, Tensor classesT) {
        try (NoGrad g = NoGrad.open()) {
            return Tensors.mul(zeroShotImage.matmul(classesT), clip.scale()).detach();
        }
    }

    /** The frozen branch's view of one batch: ẑ (B, E), unit rows, and {@code zero_shot_logits} (B, C). */
    public record Targets(Tensor imageNorm, Tensor logits) {}

    @Override
    public void close() {
        owned.close();
    }
}
