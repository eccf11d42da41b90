package org.dpl4j.search;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.training.LrSchedule;
import org.dpl4j.training.SgdSchedule;

/**
 * Search-stage settings (docs/design.md §7). Alphas: Adam lr 3.5e-3, betas (0.5, 0.999), no decay,
 * constant, on val batches of 16 (test transform) cycled through the whole val split. Prompts:
 * {@link SgdSchedule#DPL} (as the train stage), batch 4.
 *
 * @param sgd the prompt step's optimiser and learning-rate schedule
 * @param fixedValBatch reproduce the reference code's quirk: every alpha step uses the first val batch
 * @param template text input of the supernet ("a photo of a {}.")
 * @param dominantMargin a block "dominates" when its top weight exceeds the second by at least this
 * @param settling the opt-in early stop once the layout has settled ({@link SettlingRule#OFF}: all epochs)
 */
public record SearchSettings(
        List<Integer> candidates,
        int epochs,
        int batchSize,
        int valBatch,
        SgdSchedule sgd,
        float alphaLr,
        float alphaBeta1,
        float alphaBeta2,
        boolean fixedValBatch,
        AttentionMode attention,
        String template,
        double dominantMargin,
        long seed,
        int workers,
        BadSamplePolicy badImages,
        SettlingRule settling) {

    // DPL's defaults of the fields the command line sets, as constants so that its help shows these very values
    public static final String CANDIDATES = "0,1,2,3";
    public static final int EPOCHS = 60;
    public static final int BATCH_SIZE = 4;
    public static final int VAL_BATCH = 16;
    public static final String ATTENTION = "fused";

    public static SearchSettings defaults() {
        return new Builder().build();
    }

    public SearchSettings {
        candidates = List.copyOf(candidates);
        if (epochs < 1 || batchSize < 1 || valBatch < 1 || sgd == null) {
            throw new IllegalArgumentException("epochs and batch sizes must be positive, and SGD set");
        }
    }

    public LrSchedule promptSchedule() {
        return sgd.over(epochs);
    }

    /** A builder starting from these settings: the one place that copies every field. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.candidates = candidates;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.valBatch = valBatch;
        b.sgd = sgd;
        b.alphaLr = alphaLr;
        b.alphaBeta1 = alphaBeta1;
        b.alphaBeta2 = alphaBeta2;
        b.fixedValBatch = fixedValBatch;
        b.attention = attention;
        b.template = template;
        b.dominantMargin = dominantMargin;
        b.seed = seed;
        b.workers = workers;
        b.badImages = badImages;
        b.settling = settling;
        return b;
    }

    public SearchSettings withEpochs(int e) {
        return toBuilder().epochs(e).build();
    }

    public SearchSettings withSeed(long s) {
        return toBuilder().seed(s).build();
    }

    /** Settings field by field, starting from DPL's defaults. */
    public static final class Builder {
        private List<Integer> candidates = Arrays.stream(CANDIDATES.split(",")).map(Integer::valueOf).toList();
        private int epochs = EPOCHS;
        private int batchSize = BATCH_SIZE;
        private int valBatch = VAL_BATCH;
        private SgdSchedule sgd = SgdSchedule.DPL;
        private float alphaLr = 3.5e-3f;
        private float alphaBeta1 = 0.5f;
        private float alphaBeta2 = 0.999f;
        private boolean fixedValBatch = false;
        private AttentionMode attention = AttentionMode.valueOf(ATTENTION.toUpperCase(Locale.ROOT));
        private String template = "a photo of a {}.";
        private double dominantMargin = 0.1;
        private long seed = 1;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private BadSamplePolicy badImages = BadSamplePolicy.FAIL;
        private SettlingRule settling = SettlingRule.OFF;

        public Builder candidates(List<Integer> v) {
            candidates = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder valBatch(int v) {
            valBatch = v;
            return this;
        }

        public Builder sgd(SgdSchedule v) {
            sgd = v;
            return this;
        }

        public Builder alphaLr(float v) {
            alphaLr = v;
            return this;
        }

        public Builder alphaBeta1(float v) {
            alphaBeta1 = v;
            return this;
        }

        public Builder alphaBeta2(float v) {
            alphaBeta2 = v;
            return this;
        }

        public Builder fixedValBatch(boolean v) {
            fixedValBatch = v;
            return this;
        }

        public Builder attention(AttentionMode v) {
            attention = v;
            return this;
        }

        public Builder template(String v) {
            template = v;
            return this;
        }

        public Builder dominantMargin(double v) {
            dominantMargin = v;
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

        public Builder badImages(BadSamplePolicy v) {
            badImages = v;
            return this;
        }

        public Builder settling(SettlingRule v) {
            settling = v;
            return this;
        }

        public SearchSettings build() {
            return new SearchSettings(candidates, epochs, batchSize, valBatch, sgd, alphaLr, alphaBeta1, alphaBeta2, fixedValBatch, attention, template, dominantMargin, seed, workers, badImages, settling);
        }
    }
}
