package org.dpl4j.training;

import org.dpl4j.data.BadSamplePolicy;

/**
 * Train-stage settings (docs/design.md §7 defaults: {@link SgdSchedule#DPL} over 40 epochs, batch 4,
 * prompts N(0, 0.02²), ensemble text input).
 *
 * @param sgd       the prompts' optimiser and learning-rate schedule
 * @param textInput {@code default}, {@code custom}, {@code ensemble}, or a template with {}
 * @param distillWeight weight of the KL term to zero-shot CLIP (0 = off, as the reference code)
 * @param selfRegulation PromptSRC's loss and GPA (null for every other method; then absent from run.json, so
 *        runs made before the field existed read the same)
 */
public record TrainSettings(
        int epochs,
        int batchSize,
        SgdSchedule sgd,
        float initStd,
        String textInput,
        float distillWeight,
        long seed,
        int workers,
        int evalBatch,
        BadSamplePolicy badImages,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        SelfRegulation selfRegulation) {

    /** Settings without PromptSRC's regime (every method but PromptSRC). */
    public TrainSettings(int epochs, int batchSize, SgdSchedule sgd, float initStd, String textInput, float distillWeight,
            long seed, int workers, int evalBatch, BadSamplePolicy badImages) {
        this(epochs, batchSize, sgd, initStd, textInput, distillWeight, seed, workers, evalBatch, badImages, null);
    }

    // DPL's defaults of the fields the command line sets, as constants so that its help shows these very values
    public static final int EPOCHS = 40;
    public static final int BATCH_SIZE = 4;
    public static final String TEXT_INPUT = "ensemble";
    public static final float DISTILL_WEIGHT = 0f;
    public static final int EVAL_BATCH = 64;

    public static TrainSettings defaults() {
        return new Builder().build();
    }

    public TrainSettings {
        if (epochs < 1 || batchSize < 1 || evalBatch < 1 || sgd == null) {
            throw new IllegalArgumentException("epochs, batch size and eval batch must be positive, and SGD set");
        }
    }

    public LrSchedule schedule() {
        return sgd.over(epochs);
    }

    /** A builder starting from these settings: the one place that copies every field. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.sgd = sgd;
        b.initStd = initStd;
        b.textInput = textInput;
        b.distillWeight = distillWeight;
        b.seed = seed;
        b.workers = workers;
        b.evalBatch = evalBatch;
        b.badImages = badImages;
        b.selfRegulation = selfRegulation;
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
        private SelfRegulation selfRegulation;

        /** PromptSRC's loss weights and GPA (null: cross-entropy, no aggregation). */
        public Builder selfRegulation(SelfRegulation v) {
            selfRegulation = v;
            return this;
        }

        private int epochs = EPOCHS;
        private int batchSize = BATCH_SIZE;
        private SgdSchedule sgd = SgdSchedule.DPL;
        private float initStd = 0.02f;
        private String textInput = TEXT_INPUT;
        private float distillWeight = DISTILL_WEIGHT;
        private long seed = 1;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int evalBatch = EVAL_BATCH;
        private BadSamplePolicy badImages = BadSamplePolicy.FAIL;

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder sgd(SgdSchedule v) {
            sgd = v;
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
            return new TrainSettings(epochs, batchSize, sgd, initStd, textInput, distillWeight, seed, workers, evalBatch, badImages,
                    selfRegulation);
        }
    }
}
