package org.dpl4j.training;

import org.dpl4j.training.optim.Sgd;

/**
 * The prompts' optimiser and its learning-rate schedule, as the train stage and the search's
 * prompt step share them (Dassl's SGD with a constant warm-up, then a cosine; docs/design.md §7).
 * run.json records it as {@code settings.sgd} (from format 4).
 *
 * @param lr           the base learning rate, reached after the warm-up
 * @param momentum     SGD momentum
 * @param weightDecay  L2 weight decay added to the gradient
 * @param warmupEpochs epochs at the constant {@code warmupLr} before the cosine starts
 * @param warmupLr     the warm-up learning rate
 */
public record SgdSchedule(float lr, float momentum, float weightDecay, int warmupEpochs, float warmupLr) {
    /** DPL's base learning rate (a constant, so that the command-line help can show it). */
    public static final float DPL_LR = 3.5e-3f;
    /** DPL's (and CoOp's) SGD: lr 3.5e-3, momentum 0.9, weight decay 5e-4, one warm-up epoch at 1e-5. */
    public static final SgdSchedule DPL = new SgdSchedule(DPL_LR, 0.9f, 5e-4f, 1, 1e-5f);

    public SgdSchedule {
        if (!(lr > 0) || warmupEpochs < 0 || !(warmupLr >= 0) || momentum < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("learning rates must be positive, momentum, decay and warm-up epochs not negative");
        }
    }

    /** The same with base learning rate {@code v}. */
    public SgdSchedule withLr(float v) {
        return new SgdSchedule(v, momentum, weightDecay, warmupEpochs, warmupLr);
    }

    /** The learning rate per epoch over a run of {@code epochs} epochs. */
    public LrSchedule over(int epochs) {
        return new LrSchedule(lr, epochs, warmupEpochs, warmupLr);
    }

    /** A fresh optimiser with this momentum and decay (the caller closes it). */
    public Sgd optimizer() {
        return new Sgd(momentum, weightDecay);
    }
}
