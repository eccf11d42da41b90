package org.dpl4j.model;

import org.bytedeco.pytorch.Tensor;
import java.util.List;
import org.dpl4j.tensor.Tensors;

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
    public Tensor forward(Tensor x, Tensor mask, BlockAttention attention) {
        return forward(x, mask, attention, BlockInput.UNCHANGED);
    }

    /**
     * As {@link #forward(Tensor, Tensor, BlockAttention)}, with each block's input tokens set by {@code input}.
     * An input may change the number of tokens (MaPLe with per-block prompt lengths); a mask, which only the
     * text branch has and which is always causal, then follows the new length.
     */
    public Tensor forward(Tensor x, Tensor mask, BlockAttention attention, BlockInput input) {
        for (int i = 0; i < blocks.size(); i++) {
            BlockWeights w = blocks.get(i);
            x = input.before(i, x);
            if (mask != null && mask.size(0) != x.size(1)) {
                mask = TextEncoder.causalMask((int) x.size(1), x);
            }
            Tensor h = Ops.layerNorm(x, w.ln1Gamma(), w.ln1Beta());
            x = mlp(x.add(attention.attend(i, x, h, w, mask)), w);
        }
        return x;
    }

    /** A block's MLP half, {@code x + MLP(LN2(x))}, for tokens that go through a block outside the stream. */
    public static Tensor mlp(Tensor x, BlockWeights w) {
        Tensor m = Ops.layerNorm(x, w.ln2Gamma(), w.ln2Beta());
        m = Tensors.affine(Ops.quickGelu(Tensors.affine(m, w.fcT(), w.fcBias())), w.projT(), w.projBias());
        return x.add(m);
    }
}
