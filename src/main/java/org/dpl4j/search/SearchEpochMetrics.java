package org.dpl4j.search;

/** One line of a search run's metrics.jsonl. Accuracies are on the batches the steps used. */
public record SearchEpochMetrics(int epoch, double lr, double trainLoss, double valLoss, double trainAcc, double valAcc,
        int steps, double seconds) {}
