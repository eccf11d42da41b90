package org.dpl4j.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.data.Batch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.Ops;
import org.dpl4j.prompts.Templates;
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
    private final NDManager manager;
    private final NDArray classFeatures;
    private final NDArray scaledT;

    private ZeroShotClassifier(ClipModel clip, NDManager manager, NDArray classFeatures) {
        this.clip = clip;
        this.manager = manager;
        this.classFeatures = classFeatures;
        this.scaledT = Ops.mul(classFeatures.transpose(), clip.scale());
    }

    /**
     * Encodes the {@code templates.size() × classNames.size()} texts {@code textBatch} at a time (all
     * templates share the chunks, so few classes still make full batches); the progress task counts texts.
     */
    public static ZeroShotClassifier build(ClipModel clip, List<String> classNames, List<String> templates,
            int textBatch, NDManager parent, Progress.Factory progress) {
        if (classNames.isEmpty() || templates.isEmpty()) {
            throw new IllegalArgumentException("zero-shot needs at least one class and one template");
        }
        List<String> texts = new ArrayList<>(templates.size() * classNames.size());
        for (String template : templates) {
            for (String c : classNames) {
                texts.add(Templates.fill(template, c));
            }
        }
        NDManager m = parent.newSubManager();
        try (Progress p = progress.start("text features", texts.size()); NDManager step = m.newSubManager()) {
            NDArray unit = ClipModel.normalize(FeatureExtractor.texts(clip, texts, textBatch, step, p));
            NDArray mean = unit.reshape(templates.size(), classNames.size(), -1).mean(new int[] {0});
            NDArray features = ClipModel.normalize(mean);
            features.attach(m);
            return new ZeroShotClassifier(clip, m, features);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Unit-length class features (C, E), row c for class c: the classifier's weights. */
    public NDArray classFeatures() {
        return classFeatures;
    }

    /** {@code exp(logit_scale) · cos(image, class)} (B, C) of preprocessed images (CHW floats). */
    public NDArray logits(NDManager scope, float[] pixels, int count) {
        NDArray f = FeatureExtractor.pixels(clip, scope, pixels, count);
        return ClipModel.normalize(f).matMul(scaledT);
    }

    @Override
    public NDArray logits(NDManager scope, Batch batch) {
        return logits(scope, batch.pixels(), batch.size());
    }

    @Override
    public void close() {
        manager.close();
    }
}
