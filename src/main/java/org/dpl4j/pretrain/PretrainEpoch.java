package org.dpl4j.pretrain;

/**
 * One line of a pre-training run's {@code metrics.jsonl}.
 *
 * @param epoch 1-based epoch number
 * @param step global steps done at the end of the epoch
 * @param lr learning rate of the epoch's last step
 * @param loss mean contrastive loss over the epoch's steps
 * @param logitScale {@code exp(logit_scale)} at the end of the epoch (CLIP's inverse temperature)
 * @param steps steps in the epoch
 * @param seconds wall time of the epoch (of its last part when it was resumed)
 * @param skippedImages unreadable images left out in this epoch
 */
public record PretrainEpoch(int epoch, long step, double lr, double loss, double logitScale, int steps, double seconds,
        int skippedImages) {}
