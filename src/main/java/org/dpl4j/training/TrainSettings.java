package org.dpl4j.training;

import org.dpl4j.data.BadSamplePolicy;

/**
 * Train-stage settings (docs/design.md §7 defaults: SGD lr 3.5e-3, momentum 0.9, wd 5e-4, cosine over
 * 40 epochs with one warm-up epoch at 1e-5, batch 4, prompts N(0, 0.02²), ensemble text input).
 *
 * @param textInput {@code default}, {@code custom}, {@code ensemble}, or a template with {}
 * @param distillWeight weight of the KL term to zero-shot CLIP (0 = off, as the reference code)
 */
public record TrainSettings(
        int epochs,
        int batchSize,
        float lr,
        float momentum,
        float weightDecay,
        int warmupEpochs,
        float warmupLr,
        float initStd,
        String textInput,
        float distillWeight,
        long seed,
        int workers,
        int evalBatch,
        BadSamplePolicy badImages) {

    public static TrainSettings defaults() {
        return new TrainSettings(40, 4, 3.5e-3f, 0.9f, 5e-4f, 1, 1e-5f, 0.02f, "ensemble", 0f, 1,
                Math.max(1, Runtime.getRuntime().availableProcessors()), 64, BadSamplePolicy.FAIL);
    }

    public TrainSettings {
        if (epochs < 1 || batchSize < 1 || lr <= 0 || evalBatch < 1) {
            throw new IllegalArgumentException("epochs, batch size, learning rate and eval batch must be positive");
        }
    }

    public LrSchedule schedule() {
        return new LrSchedule(lr, epochs, warmupEpochs, warmupLr);
    }

    public TrainSettings withEpochs(int e) {
        return new TrainSettings(e, batchSize, lr, momentum, weightDecay, warmupEpochs, warmupLr, initStd, textInput,
                distillWeight, seed, workers, evalBatch, badImages);
    }

    public TrainSettings withSeed(long s) {
        return new TrainSettings(epochs, batchSize, lr, momentum, weightDecay, warmupEpochs, warmupLr, initStd, textInput,
                distillWeight, s, workers, evalBatch, badImages);
    }
}
