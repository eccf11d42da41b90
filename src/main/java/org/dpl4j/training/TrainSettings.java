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
        return new Builder().build();
    }

    public TrainSettings {
        if (epochs < 1 || batchSize < 1 || lr <= 0 || evalBatch < 1) {
            throw new IllegalArgumentException("epochs, batch size, learning rate and eval batch must be positive");
        }
    }

    public LrSchedule schedule() {
        return new LrSchedule(lr, epochs, warmupEpochs, warmupLr);
    }

    /** A builder starting from these settings: the one place that copies every field. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.lr = lr;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.warmupEpochs = warmupEpochs;
        b.warmupLr = warmupLr;
        b.initStd = initStd;
        b.textInput = textInput;
        b.distillWeight = distillWeight;
        b.seed = seed;
        b.workers = workers;
        b.evalBatch = evalBatch;
        b.badImages = badImages;
        return b;
    }

    public TrainSettings withEpochs(int e) {
        return toBuilder().epochs(e).build();
    }

    public TrainSettings withSeed(long s) {
        return toBuilder().seed(s).build();
    }

    /** Settings field by field, starting from DPL's defaults. */
    public static final class Builder {
        private int epochs = 40;
        private int batchSize = 4;
        private float lr = 3.5e-3f;
        private float momentum = 0.9f;
        private float weightDecay = 5e-4f;
        private int warmupEpochs = 1;
        private float warmupLr = 1e-5f;
        private float initStd = 0.02f;
        private String textInput = "ensemble";
        private float distillWeight = 0f;
        private long seed = 1;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int evalBatch = 64;
        private BadSamplePolicy badImages = BadSamplePolicy.FAIL;

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder lr(float v) {
            lr = v;
            return this;
        }

        public Builder momentum(float v) {
            momentum = v;
            return this;
        }

        public Builder weightDecay(float v) {
            weightDecay = v;
            return this;
        }

        public Builder warmupEpochs(int v) {
            warmupEpochs = v;
            return this;
        }

        public Builder warmupLr(float v) {
            warmupLr = v;
            return this;
        }

        public Builder initStd(float v) {
            initStd = v;
            return this;
        }

        public Builder textInput(String v) {
            textInput = v;
            return this;
        }

        public Builder distillWeight(float v) {
            distillWeight = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder workers(int v) {
            workers = v;
            return this;
        }

        public Builder evalBatch(int v) {
            evalBatch = v;
            return this;
        }

        public Builder badImages(BadSamplePolicy v) {
            badImages = v;
            return this;
        }

        public TrainSettings build() {
            return new TrainSettings(epochs, batchSize, lr, momentum, weightDecay, warmupEpochs, warmupLr, initStd, textInput, distillWeight, seed, workers, evalBatch, badImages);
        }
    }
}
