package org.dpl4j.training;

import java.util.Collection;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Tensors;

/**
 * The only values a train or search step copies from its device into the JVM: the loss (logged,
 * and checked for NaN), whether the gradients are finite (the update is skipped when not) and the
 * batch's correct predictions (logged). Everything else of a step (forward, backward, optimiser
 * update) stays on the device.
 *
 * <p>libtorch's {@code meta} device holds shapes without data, so there these read as a loss of 0,
 * finite gradients and no correct prediction: the meta-device test then runs every step of every
 * method unchanged, all its tensor work on meta, and only these reads stand outside it
 * (docs/design.md §11).
 */
public final class StepReads {
    private StepReads() {}

    /** The value of the one-element {@code loss} (0 on meta). */
    public static float loss(Tensor loss) {
        return hasData(loss) ? Tensors.item(loss) : 0f;
    }

    /** Whether every element of every gradient is finite (true on meta). */
    public static boolean finite(Collection<Tensor> grads) {
        for (Tensor g : grads) {
            if (hasData(g) && !Float.isFinite(Tensors.item(g.abs().max()))) {
                return false;
            }
        }
        return true;
    }

    /** How many rows of {@code logits} (B, C) have their largest value at the row's label (0 on meta). */
    public static int correct(Tensor logits, int[] labels) {
        if (!hasData(logits)) {
            return 0;
        }
        long[] pred = Tensors.toLongs(Tensors.argmax(logits, 1));
        int c = 0;
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == labels[i]) {
                c++;
            }
        }
        return c;
    }

    private static boolean hasData(Tensor t) {
        return !t.device().is_meta();
    }
}
