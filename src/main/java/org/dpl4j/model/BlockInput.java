package org.dpl4j.model;

import org.bytedeco.pytorch.Tensor;

/**
 * What a block receives as its input tokens. Methods that carry prompts in the residual stream
 * (MaPLe, VPT's replacement form) overwrite the previous block's prompt tokens here, before the
 * block's LayerNorm; DPL's key/value prompts leave the stream alone ({@link #UNCHANGED}).
 */
@FunctionalInterface
public interface BlockInput {

    /** @return the tokens block {@code layer} (0-based) runs on, given the previous block's output {@code x} (B, L, W) */
    Tensor before(int layer, Tensor x);

    BlockInput UNCHANGED = (layer, x) -> x;
}
