package org.dpl4j.search;

import java.util.List;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.training.LrSchedule;

/**
 * Search-stage settings (docs/design.md §7). Alphas: Adam lr 3.5e-3, betas (0.5, 0.999), no decay,
 * constant, on val batches of 16 (test transform) cycled through the whole val split. Prompts:
 * SGD lr 3.5e-3, momentum 0.9, wd 5e-4, cosine with one warm-up epoch at 1e-5, batch 4.
 *
 * @param fixedValBatch reproduce the reference code's quirk: every alpha step uses the first val batch
 * @param template text input of the supernet ("a photo of a {}.")
 * @param dominantMargin a block "dominates" when its top weight exceeds the second by at least this
 */
public record SearchSettings(
        List<Integer> candidates,
        int epochs,
        int batchSize,
        int valBatch,
        float promptLr,
        float momentum,
        float weightDecay,
        int warmupEpochs,
        float warmupLr,
        float alphaLr,
        float alphaBeta1,
        float alphaBeta2,
        boolean fixedValBatch,
        AttentionMode attention,
        String template,
        double dominantMargin,
        long seed,
        int workers,
        BadSamplePolicy badImages) {

    public static SearchSettings defaults() {
        return new SearchSettings(List.of(0, 1, 2, 3), 60, 4, 16, 3.5e-3f, 0.9f, 5e-4f, 1, 1e-5f, 3.5e-3f, 0.5f, 0.999f,
                false, AttentionMode.FUSED, "a photo of a {}.", 0.1, 1,
                Math.max(1, Runtime.getRuntime().availableProcessors()), BadSamplePolicy.FAIL);
    }

    public SearchSettings {
        candidates = List.copyOf(candidates);
        if (epochs < 1 || batchSize < 1 || valBatch < 1) {
            throw new IllegalArgumentException("epochs and batch sizes must be positive");
        }
    }

    public LrSchedule promptSchedule() {
        return new LrSchedule(promptLr, epochs, warmupEpochs, warmupLr);
    }

    public SearchSettings withEpochs(int e) {
        return new SearchSettings(candidates, e, batchSize, valBatch, promptLr, momentum, weightDecay, warmupEpochs, warmupLr,
                alphaLr, alphaBeta1, alphaBeta2, fixedValBatch, attention, template, dominantMargin, seed, workers, badImages);
    }

    public SearchSettings withSeed(long s) {
        return new SearchSettings(candidates, epochs, batchSize, valBatch, promptLr, momentum, weightDecay, warmupEpochs, warmupLr,
                alphaLr, alphaBeta1, alphaBeta2, fixedValBatch, attention, template, dominantMargin, s, workers, badImages);
    }
}
