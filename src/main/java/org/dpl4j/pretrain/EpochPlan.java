package org.dpl4j.pretrain;

/**
 * How many epochs fit a time budget, from a measured step time. The cosine schedule needs the
 * number of steps before the first one, so a run that must end by a deadline fixes its epochs up
 * front from a short benchmark rather than stopping wherever the deadline falls (which would leave
 * the learning rate high and the model unannealed).
 *
 * @param budgetSeconds time left for training
 * @param secondsPerStep measured time of one step, data waiting included
 * @param stepsPerEpoch optimisation steps in an epoch
 * @param overheadSecondsPerEpoch checkpoint and log writing per epoch
 */
public record EpochPlan(double budgetSeconds, double secondsPerStep, int stepsPerEpoch, double overheadSecondsPerEpoch) {
    /**
     * Share of the budget planned for: a shared machine's step time drifts, and the run should end
     * by itself rather than be stopped by the deadline.
     */
    public static final double SAFETY = 0.9;

    public EpochPlan {
        if (!(secondsPerStep > 0) || stepsPerEpoch < 1 || overheadSecondsPerEpoch < 0) {
            throw new IllegalArgumentException("cannot plan with " + secondsPerStep + " s/step and " + stepsPerEpoch
                    + " steps per epoch");
        }
    }

    /** Seconds one epoch is expected to take. */
    public double secondsPerEpoch() {
        return secondsPerStep * stepsPerEpoch + overheadSecondsPerEpoch;
    }

    /** Whole epochs in {@code SAFETY × budget}; at least 1. */
    public int epochs() {
        return Math.max(1, (int) Math.floor(SAFETY * budgetSeconds / secondsPerEpoch()));
    }
}
