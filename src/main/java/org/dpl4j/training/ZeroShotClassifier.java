package org.dpl4j.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.util.Progress;

/**
 * Zero-shot CLIP: each class is the text feature of its name filled into hand-written templates.
 *
 * <p>With several templates this is CLIP's prompt ensembling (the ImageNet notebook): each template's
 * class feature is L2-normalised, the unit vectors are averaged over templates and the mean is
 * normalised again. That is deliberately not {@link org.dpl4j.prompts.ClassTexts}' ensemble, which
 * averages token <i>embeddings</i> position by position before one encoder pass: that is the input DPL
 * trains prompts on, while this is the baseline CLIP's authors report.
 */
public final class ZeroShotClassifier implements ImageClassifier, AutoCloseable {
    private final ClipModel clip;
    private final Owned owned;
    private final Tensor classFeatures;
    private final Tensor scaledT;

    private ZeroShotClassifier(ClipModel clip, Owned owned, Tensor classFeatures) {
        this.clip = clip;
        this.owned = owned;
        this.classFeatures = owned.own(classFeatures);
        this.scaledT = owned.own(Tensors.mul(classFeatures.t(), clip.scale()));
    }

    /**
     * Encodes the {@code templates.size() × classNames.size()} texts {@code textBatch} at a time (all
     * templates share the chunks, so few classes still make full batches); the progress task counts texts.
     * Text and images through {@code clip} in its own precision: for tests; callers use the overload
     * below, which keeps the class features fp32.
     */
    static ZeroShotClassifier build(ClipModel clip, List<String> classNames, List<String> templates,
            int textBatch, Progress.Factory progress) {
        return build(clip, clip, classNames, templates, textBatch, progress);
    }

    /**
     * The zero-shot classifier, as {@link #build(ClipModel, List, List, int, Progress.Factory)}, with the class features computed in
     * fp32 whatever {@code clip}'s precision: in bf16 the weights are read again from {@code weights} in
     * fp32 for the text pass (then released), and only the images go through {@code clip} in bf16. Zero-shot
     * CLIP is the protocol's reference column, and bf16's rounding of the text tower is what moved it:
     * on the shared dtd (360 test images, bundled small CLIP) bf16 changed 6 near-tied predictions (fp32
     * top-1/top-2 cosine margins ≤ 0.0019), 5 of them through the text tower, giving 9.44 % against fp32's
     * 9.17 %; with fp32 class features and bf16 images it gives 9.17 % (docs/design.md, "Precision").
     * The features are computed once per classifier, so this costs one fp32 text pass over the classes.
     *
     * @param weights the file or folder {@code clip} was loaded from
     */
    public static ZeroShotClassifier build(ClipModel clip, Path weights, List<String> classNames, List<String> templates,
            int textBatch, Progress.Factory progress) throws IOException {
        if (clip.placement().precision() == Precision.FP32) {
            return build(clip, clip, classNames, templates, textBatch, progress);
        }
        try (ClipModel text = ClipLoader.load(weights, clip.config(), new Placement(clip.placement().device(), Precision.FP32))) {
            return build(clip, text, classNames, templates, textBatch, progress);
        }
    }

    private static ZeroShotClassifier build(ClipModel image, ClipModel text, List<String> classNames, List<String> templates,
            int textBatch, Progress.Factory progress) {
        Owned owned = new Owned();
        try (Scope s = Scope.open()) {
            return new ZeroShotClassifier(image, owned, ensembleFeatures(text, classNames, templates, textBatch, progress));
        } catch (RuntimeException e) {
            owned.close();
            throw e;
        }
    }

    /**
     * CLIP's prompt-ensemble class features (C, E), fp32, unit rows, in the caller's scope and out of
     * autograd: per class, the mean over {@code templates} of each template's L2-normalised text
     * feature, normalised again. The one computation of the {@code zeroshot}/{@code zeroshot-ensemble}
     * baselines and of the distillation teacher ({@link TrainJob}). Texts are encoded
     * {@code textBatch} at a time, all templates sharing the chunks; the progress task counts texts.
     */
    public static Tensor ensembleFeatures(ClipModel clip, List<String> classNames, List<String> templates, int textBatch,
            Progress.Factory progress) {
        try (Scope s = Scope.open(); NoGrad g = NoGrad.open()) {
            Tensor unit = ClipModel.normalize(FeatureExtractor.templates(clip, classNames, templates, textBatch, progress));
            Tensor mean = Tensors.mean(unit, 0, false);
            return s.keep(ClipModel.normalize(mean).detach());
        }
    }

    /** Unit-length fp32 class features (C, E), row c for class c: the classifier's weights (owned by it). */
    public Tensor classFeatures() {
        return classFeatures;
    }

    /**
     * {@code exp(logit_scale) · cos(image, class)} (B, C) of preprocessed images (CHW floats), in the
     * caller's scope; run it under a {@code NoGrad}.
     */
    public Tensor logits(float[] pixels, int count) {
        Tensor f = FeatureExtractor.pixels(clip, pixels, count);
        return ClipModel.normalize(f).matmul(scaledT);
    }

    @Override
    public Tensor logits(Batch batch) {
        return logits(batch.pixels(), batch.size());
    }

    @Override
    public void close() {
        owned.close();
    }
}
