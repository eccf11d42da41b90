package org.dpl4j.training;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.PromptSrcPublished;
import org.dpl4j.tensor.Tensors;

/**
 * PromptSRC's training regime as settings (run.json's {@code settings.selfRegulation}; absent for every
 * other method): the self-regulating loss weights ({@link PromptSrcLoss}) and Gaussian prompt aggregation
 * ({@link GaussianPromptAggregation}) over the run's epochs.
 *
 * @param config the official config these values come from
 */
public record SelfRegulation(String config, float textWeight, float imageWeight, double gpaMean, double gpaStd) {

    /** The regime of a published config. */
    public static SelfRegulation of(PromptSrcPublished p) {
        return new SelfRegulation(p.config(), p.textLossWeight(), p.imageLossWeight(), p.gpaMean(), p.gpaStd());
    }

    @JsonIgnore
    public PromptSrcLoss loss() {
        return new PromptSrcLoss(textWeight, imageWeight);
    }

    @JsonIgnore
    public GaussianPromptAggregation.Schedule gpa() {
        return new GaussianPromptAggregation.Schedule(gpaMean, gpaStd);
    }

    /**
     * One training batch's loss terms: the learner's unnormalised features ({@link PromptLearner#towers}),
     * normalised; the logits exactly as {@link ClipModel#logits} computes them; then
     * {@link PromptSrcLoss#compute} against the frozen branch. The returned {@code logits} are the prompted
     * ones (for the batch's accuracy).
     *
     * @param images the batch (B, 3, R, R), which the frozen branch encodes too
     * @param imageFeatures the learner's image features (B, E) of {@code images}
     * @param textFeatures the learner's class text features (C, E) (in a train step: those of
     *     {@link StepRunner#step(TextPass, java.util.function.Function, java.util.Map,
     *     org.dpl4j.training.optim.Optimizer, float)}, which may have run in class chunks)
     */
    public static Batch terms(PromptSrcLoss loss, FrozenBranch frozen, ClipModel clip, Tensor images, Tensor imageFeatures,
            Tensor textFeatures, int[] labels) {
        Tensor imageNorm = ClipModel.normalize(Tensors.fp32(imageFeatures));
        Tensor textNorm = ClipModel.normalize(Tensors.fp32(textFeatures));
        Tensor logits = Tensors.mul(imageNorm.matmul(textNorm.t()), clip.scale());
        return new Batch(loss.compute(textNorm, imageNorm, logits, frozen.targets(images), frozen.fixedEmbeddingsNorm(), labels),
                logits);
    }

    /** A batch's terms and prompted logits. */
    public record Batch(PromptSrcLoss.Terms terms, Tensor logits) {}
}
