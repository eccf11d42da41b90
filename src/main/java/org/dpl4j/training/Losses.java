package org.dpl4j.training;

import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Tensors;

/** Losses on CLIP logits. */
public final class Losses {
    private Losses() {}

    /** Mean cross-entropy of logits (B, C) against integer labels. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        long c = logits.size(1);
        float[] onehot = new float[labels.length * (int) c];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("label " + labels[i] + " out of range for " + c + " classes");
            }
            onehot[i * (int) c + labels[i]] = 1f;
        }
        Tensor y = Tensors.floats(onehot, logits.device(), labels.length, c);
        return Tensors.div(logits.log_softmax(1).mul(y).sum().neg(), labels.length);
    }

    /**
     * KL(p_teacher ‖ p_student) at temperature 1, summed and divided by B·C (PromptSRC's
     * normalisation, which DPL's optional distillation term uses).
     */
    public static Tensor distillation(Tensor studentLogits, Tensor teacherLogits) {
        Tensor logPs = studentLogits.log_softmax(1);
        Tensor logPt = teacherLogits.log_softmax(1).detach();
        return Tensors.div(logPt.exp().mul(logPt.sub(logPs)).sum(), studentLogits.numel());
    }

    /** How many rows of {@code logits} have their largest value at the row's label (the batch's correct predictions). */
    public static int correct(Tensor logits, int[] labels) {
        return StepReads.correct(logits, labels);
    }
}
