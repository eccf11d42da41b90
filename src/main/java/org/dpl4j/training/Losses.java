package org.dpl4j.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.dpl4j.model.Ops;

/** Losses on CLIP logits. */
public final class Losses {
    private Losses() {}

    /** Mean cross-entropy of logits (B, C) against integer labels. */
    public static NDArray crossEntropy(NDArray logits, int[] labels) {
        long c = logits.getShape().get(1);
        float[] onehot = new float[labels.length * (int) c];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("label " + labels[i] + " out of range for " + c + " classes");
            }
            onehot[i * (int) c + labels[i]] = 1f;
        }
        NDArray y = Ops.owned(logits.getManager().create(onehot, new Shape(labels.length, c)));
        return Ops.div(logits.logSoftmax(1).mul(y).sum().neg(), labels.length);
    }

    /**
     * KL(p_teacher ‖ p_student) at temperature 1, summed and divided by B·C (PromptSRC's
     * normalisation, which DPL's optional distillation term uses).
     */
    public static NDArray distillation(NDArray studentLogits, NDArray teacherLogits) {
        NDArray logPs = studentLogits.logSoftmax(1);
        NDArray logPt = teacherLogits.logSoftmax(1).stopGradient();
        return Ops.div(logPt.exp().mul(logPt.sub(logPs)).sum(), studentLogits.size());
    }

    /** How many rows of {@code logits} have their largest value at the row's label (the batch's correct predictions). */
    public static int correct(NDArray logits, int[] labels) {
        long[] pred = logits.argMax(1).toLongArray();
        int c = 0;
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == labels[i]) {
                c++;
            }
        }
        return c;
    }
}
