package org.dpl4j.training;

/**
 * Dassl's schedule used by DPL: a constant warm-up (1 epoch at 1e-5 by default), then cosine
 * annealing over all epochs, stepped once per epoch: {@code lr(e) = base·(1 + cos(π·e/E))/2}.
 */
public record LrSchedule(float baseLr, int epochs, int warmupEpochs, float warmupLr) {

    public static LrSchedule constant(float lr) {
        return new LrSchedule(lr, 0, 0, lr);
    }

    /** Learning rate during 0-based epoch {@code e}. */
    public float lr(int e) {
        if (e < warmupEpochs) {
            return warmupLr;
        }
        if (epochs <= 0) {
            return baseLr;
        }
        return (float) (baseLr * (1 + Math.cos(Math.PI * e / epochs)) / 2);
    }
}
