package org.dpl4j.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** A stack of pre-LN residual blocks; how each block attends is left to a {@link BlockAttention}. */
public final class Transformer {
    private final List<BlockWeights> blocks;

    public Transformer(List<BlockWeights> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    public int layers() {
        return blocks.size();
    }

    public BlockWeights block(int i) {
        return blocks.get(i);
    }

    /** {@code x += Attn(LN1(x)); x += MLP(LN2(x))} for every block; x is (B, L, W). */
    public NDArray forward(NDArray x, NDArray mask, BlockAttention attention) {
        return forward(x, mask, attention, BlockInput.UNCHANGED);
    }

    /** As {@link #forward(NDArray, NDArray, BlockAttention)}, with each block's input tokens set by {@code input}. */
    public NDArray forward(NDArray x, NDArray mask, BlockAttention attention, BlockInput input) {
        for (int i = 0; i < blocks.size(); i++) {
            BlockWeights w = blocks.get(i);
            x = input.before(i, x);
            NDArray h = Ops.layerNorm(x, w.ln1Gamma(), w.ln1Beta());
            x = x.add(attention.attend(i, x, h, w, mask));
            NDArray m = Ops.layerNorm(x, w.ln2Gamma(), w.ln2Beta());
            m = Ops.quickGelu(m.matMul(w.fcT()).add(w.fcBias())).matMul(w.projT()).add(w.projBias());
            x = x.add(m);
        }
        return x;
    }
}
