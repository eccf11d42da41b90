package org.dpl4j.pretrain;

import java.nio.file.Path;

/**
 * What a call to {@link Pretrainer#run} achieved.
 *
 * @param completed whether every planned step ran (false when the deadline stopped it; run again to go on)
 * @param steps global steps done
 * @param totalSteps steps the recipe plans
 * @param lastEpochLoss mean loss of the last finished epoch (NaN when none finished)
 * @param model the exported model folder ({@code model.safetensors} + {@code config.json})
 */
public record PretrainResult(boolean completed, long steps, long totalSteps, double lastEpochLoss, Path model) {}
