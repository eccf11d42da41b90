package org.dpl4j.pretrain;

import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.tensor.Tensors;

/**
 * CLIP's symmetric contrastive loss over a batch of B image–caption pairs, with label-aware targets.
 *
 * <p>Logits are {@code L = exp(min(t, ln 100)) · cos(image_i, text_j)} (B × B), {@code t} the
 * learnable {@code logit_scale}, capped so the logits are never scaled by more than 100 as in CLIP.
 * The loss is the mean of the image→text and text→image cross-entropies:
 * {@code ½·(−1/B Σ_i Σ_j T_ij log softmax_j(L_i·) − 1/B Σ_j Σ_i T_ij log softmax_i(L_·j))}.
 *
 * <p><b>Why soft targets.</b> CLIP's targets are the identity: caption i belongs to image i only.
 * Here captions are class-name templates over about a hundred classes, so a batch of 128 holds
 * many pairs of the same class, and the identity would push an image away from a caption that
 * describes it just as well as its own ("a photo of a dog." vs "a bad photo of the dog."), which is
 * pure noise. Row i of {@code T} is therefore uniform over the batch items with the same class as
 * item i: {@code T_ij = [y_i = y_j] / #{k : y_k = y_i}}. {@code T} is symmetric, so the same targets
 * serve both directions, and with all classes distinct it is the identity, i.e. CLIP's loss. The
 * loss then cannot reach 0: its floor is the targets' entropy, the mean of {@code ln #{same class}}
 * over the rows, which is worth knowing when reading logs: about 1.2 for batches of 128 from the shared
 * datasets, where CIFAR-10's ten classes hold 40 % of the images.
 */
public final class ContrastiveLoss {
    /** CLIP's cap on the temperature: logits are never scaled by more than 100. */
    public static final float MAX_LOGIT_SCALE = (float) Math.log(100);

    private ContrastiveLoss() {}

    /**
     * @param imageFeatures (B, E), unnormalised
     * @param textFeatures (B, E), unnormalised; row i is the caption of image i
     * @param logitScale the scalar {@code logit_scale} parameter (log of the inverse temperature)
     * @param labels class of each pair, index-aligned with the features
     * @return the scalar fp32 loss, in the caller's scope
     */
    public static Tensor loss(Tensor imageFeatures, Tensor textFeatures, Tensor logitScale, int[] labels) {
        long b = imageFeatures.size(0);
        if (textFeatures.size(0) != b || labels.length != b) {
            throw new IllegalArgumentException("contrastive loss needs as many captions and labels as images: "
                    + b + " images, " + textFeatures.size(0) + " captions, " + labels.length + " labels");
        }
        Tensor logits = logits(imageFeatures, textFeatures, logitScale);
        Tensor targets = Tensors.floats(targets(labels), logits.device(), b, b);
        Tensor imageToText = logits.log_softmax(1).mul(targets).sum().neg();
        Tensor textToImage = logits.log_softmax(0).mul(targets).sum().neg();
        return Tensors.div(imageToText.add(textToImage), 2f * b);
    }

    /** {@code exp(min(logitScale, ln 100)) · cos}: (B, E) × (B, E) → (B, B) in fp32, rows = images. */
    public static Tensor logits(Tensor imageFeatures, Tensor textFeatures, Tensor logitScale) {
        Tensor scale = Tensors.clamp(Tensors.fp32(logitScale), -MAX_LOGIT_SCALE, MAX_LOGIT_SCALE).exp();
        Tensor sims = ClipModel.normalize(Tensors.fp32(imageFeatures)).matmul(ClipModel.normalize(Tensors.fp32(textFeatures)).t());
        return sims.mul(scale);
    }

    /** Row-major B × B targets: {@code T_ij = [y_i = y_j] / #{k : y_k = y_i}}, each row summing to 1. */
    public static float[] targets(int[] labels) {
        int b = labels.length;
        float[] t = new float[b * b];
        for (int i = 0; i < b; i++) {
            int same = 0;
            for (int j = 0; j < b; j++) {
                if (labels[j] == labels[i]) {
                    same++;
                }
            }
            for (int j = 0; j < b; j++) {
                if (labels[j] == labels[i]) {
                    t[i * b + j] = 1f / same;
                }
            }
        }
        return t;
    }
}
