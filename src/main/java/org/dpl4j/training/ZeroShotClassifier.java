package org.dpl4j.training;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
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
     */
    public static ZeroShotClassifier build(ClipModel clip, List<String> classNames, List<String> templates,
            int textBatch, Progress.Factory progress) {
        Owned owned = new Owned();
        try (Scope s = Scope.open()) {
            return new ZeroShotClassifier(clip, owned, ensembleFeatures(clip, classNames, templates, textBatch, progress));
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
