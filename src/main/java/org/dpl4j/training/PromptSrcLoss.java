package org.dpl4j.training;

import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Tensors;

/**
 * PromptSRC's training objective (Khattak et al., ICCV 2023, "self-regulating prompts"): cross-entropy
 * plus three terms that keep the prompted model near the frozen one ({@link FrozenBranch}), exactly
 * as the official {@code forward_backward} reduces them, with B images and C classes:
 * <ul>
 *   <li>{@code ce}: mean cross-entropy of the prompted logits;</li>
 *   <li>{@code text}: {@code textWeight} · mean over the C·E elements of |t̂ − f̂| (prompted vs frozen
 *       normalised class text features; {@code F.l1_loss}, reduction mean);</li>
 *   <li>{@code image}: {@code imageWeight} · mean over the B·E elements of |î − ẑ| (prompted vs
 *       zero-shot normalised image features);</li>
 *   <li>{@code logits}: KL(q ‖ p) summed over the batch and divided by B·C (not by B), p = softmax of
 *       the prompted logits, q = softmax of the zero-shot logits, temperature 1: the same term as
 *       DPL's optional distillation ({@link Losses#distillation});</li>
 *   <li>{@code total} = ce + (logits + text + image), unweighted logits term as published.</li>
 * </ul>
 * The frozen side (f̂, ẑ, q) is a constant for autograd: gradients reach only the prompted side.
 *
 * @param textWeight the official {@code TEXT_LOSS_WEIGHT} (25 in every published config)
 * @param imageWeight the official {@code IMAGE_LOSS_WEIGHT} (10 in every published config)
 */
public record PromptSrcLoss(float textWeight, float imageWeight) {
    public PromptSrcLoss {
        if (!(textWeight >= 0) || !(imageWeight >= 0) || Float.isInfinite(textWeight) || Float.isInfinite(imageWeight)) {
            throw new IllegalArgumentException("PromptSRC loss weights must be finite and >= 0, got text " + textWeight
                    + ", image " + imageWeight);
        }
    }

    /**
     * The loss of one batch, in the caller's scope, recorded by autograd through the prompted inputs.
     *
     * @param textNorm t̂: prompted class text features (C, E), unit rows
     * @param imageNorm î: prompted image features (B, E), unit rows
     * @param logits prompted logits (B, C), {@code exp(logit_scale)·î t̂ᵀ}
     * @param frozen ẑ and the zero-shot logits of the same images ({@link FrozenBranch#targets})
     * @param frozenTextNorm f̂: frozen class text features (C, E), unit rows ({@link FrozenBranch#fixedEmbeddingsNorm})
     * @param labels target class of each image
     */
    public Terms compute(Tensor textNorm, Tensor imageNorm, Tensor logits, FrozenBranch.Targets frozen, Tensor frozenTextNorm,
            int[] labels) {
        requireSameShape("prompted vs frozen text features", textNorm, frozenTextNorm);
        requireSameShape("prompted vs zero-shot image features", imageNorm, frozen.imageNorm());
        requireSameShape("prompted vs zero-shot logits", logits, frozen.logits());
        Tensor ce = Losses.crossEntropy(logits, labels);
        Tensor text = Tensors.mul(meanAbsDiff(textNorm, frozenTextNorm), textWeight);
        Tensor image = Tensors.mul(meanAbsDiff(imageNorm, frozen.imageNorm()), imageWeight);
        Tensor kl = Losses.distillation(logits, frozen.logits());
        return new Terms(ce, text, image, kl, ce.add(kl.add(text).add(image)));
    }

    /** {@code F.l1_loss(x, target, reduction='mean')} with the target a constant. */
    private static Tensor meanAbsDiff(Tensor x, Tensor target) {
        return Tensors.abs(x.sub(target.detach())).mean();
    }

    private static void requireSameShape(String what, Tensor a, Tensor b) {
        if (!java.util.Arrays.equals(Tensors.shape(a), Tensors.shape(b))) {
            throw new IllegalArgumentException("PromptSRC loss: " + what + " differ in shape: " + Tensors.shapeString(a)
                    + " vs " + Tensors.shapeString(b));
        }
    }

    /**
     * One batch's loss terms, each a scalar tensor (weights applied), and their {@code total}, the
     * one to differentiate. {@link #values()} reads them for a log line.
     */
    public record Terms(Tensor ce, Tensor text, Tensor image, Tensor logits, Tensor total) {
        public Values values() {
            return new Values(Tensors.item(ce), Tensors.item(text), Tensors.item(image), Tensors.item(logits),
                    Tensors.item(total));
        }
    }

    /** The loss terms as numbers, for logs. */
    public record Values(float ce, float text, float image, float logits, float total) {}
}
