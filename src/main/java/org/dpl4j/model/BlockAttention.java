package org.dpl4j.model;

import org.bytedeco.pytorch.Tensor;

/**
 * How a block's frozen self-attention is computed: plain CLIP, with one deep prompt as extra
 * keys/values (train stage), or as a mixture over candidate prompts (search stage).
 * Implementations return the attention output after the output projection, shape (B, L, W).
 */
@FunctionalInterface
public interface BlockAttention {

    /**
     * @param layer block index (0-based)
     * @param x block input (B, L, W), needed by paths that re-normalise [x; P]
     * @param h {@code LN1(x)}
     * @param w the block's frozen weights
     * @param mask additive (L, L) causal mask for the text branch, null for images
     */
    Tensor attend(int layer, Tensor x, Tensor h, BlockWeights w, Tensor mask);

    /** Vanilla CLIP attention. */
    BlockAttention PLAIN = (layer, x, h, w, mask) -> AttentionMath.plain(h, w, mask);
}
