package org.dpl4j.pretrain;

/**
 * Per-step learning rate of CLIP pre-training (open_clip's {@code cosine_lr}): linear warm-up to
 * {@code base} over {@code warmupSteps}, then cosine decay to 0 at {@code totalSteps}. Stepped per
 * batch rather than per epoch ({@link org.dpl4j.training.LrSchedule}) because a pre-training run
 * has few, long epochs. The rate depends only on the global step, so a resumed run gets exactly
 * the rates of an uninterrupted one.
 */
public record WarmupCosine(float base, int warmupSteps, long totalSteps) {

    public WarmupCosine {
        if (base <= 0 || warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("bad schedule: base " + base + ", warm-up " + warmupSteps
                    + ", total " + totalSteps);
        }
    }

    /** Rate for 0-based global step {@code step}: {@code base·(step+1)/warmup} during warm-up, then the cosine. */
    public float lr(long step) {
        if (step < warmupSteps) {
            return (float) ((double) base * (step + 1) / warmupSteps);
        }
        long decaySteps = totalSteps - warmupSteps;
        if (decaySteps <= 0) {
            return base;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return (float) (0.5 * (1 + Math.cos(Math.PI * progress)) * base);
    }
}
