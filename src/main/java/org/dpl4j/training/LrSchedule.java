package org.dpl4j.training;

/**
 * Dassl's schedule used by DPL, stepped once per epoch: {@code ConstantWarmupScheduler} with
 * {@code WARMUP_RECOUNT=True} (Dassl's default) around {@code CosineAnnealingLR(T_max = E)}.
 * For 0-based epoch {@code e}, with {@code w} warm-up epochs and {@code E} epochs:
 * <ul>
 *   <li>{@code e < w}: the constant warm-up rate (1e-5 by default);</li>
 *   <li>{@code e ≥ w}: {@code base·(1 + cos(π·(e − w)/E))/2}.</li>
 * </ul>
 * The cosine starts counting only after warm-up (the recount), so epoch {@code w} runs at the base
 * rate and the last epoch at {@code base·(1 + cos(π·(E − 1 − w)/E))/2}, never reaching 0: the
 * wrapped scheduler's own epoch counter starts at 0 when the warm-up ends, and each epoch's rate
 * is the one set by the {@code step()} at the end of the previous epoch.
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
        return (float) (baseLr * (1 + Math.cos(Math.PI * (e - warmupEpochs) / epochs)) / 2);
    }
}
