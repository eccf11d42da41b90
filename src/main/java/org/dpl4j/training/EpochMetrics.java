package org.dpl4j.training;

/** One line of metrics.jsonl: what an epoch did. Accuracy is on the (augmented) training batches. */
public record EpochMetrics(int epoch, double lr, double loss, double trainAcc, int steps, double seconds, double valLoss,
        double valAcc) {}
