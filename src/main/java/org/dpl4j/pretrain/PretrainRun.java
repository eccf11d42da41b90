package org.dpl4j.pretrain;

import java.util.List;

/**
 * A pre-training run.json: the settings, what the data holds, and the recipe's step counts. It
 * records no {@code kind} and no {@code format} (its shape has not changed since the first
 * pre-training run), and is compared field by field on resume.
 *
 * @param batchesPerEpoch full batches per epoch (the last partial batch is dropped)
 * @param totalSteps      steps the recipe plans over all epochs
 */
record PretrainRun(PretrainSettings settings, Data data, int batchesPerEpoch, long totalSteps) {
    /**
     * @param images        image–caption pairs
     * @param classes       classes whose names fill the caption templates
     * @param captionTokens distinct tokens of the captions (the compact token table)
     * @param sources       the datasets the pairs come from
     */
    record Data(int images, int classes, int captionTokens, List<String> sources) {}
}
