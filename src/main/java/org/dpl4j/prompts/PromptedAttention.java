package org.dpl4j.prompts;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.AttentionMath;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockWeights;

/**
 * Train-stage attention (docs/design.md §4): block l attends to its own tokens plus the keys/values
 * of its prompt P_l. In the text branch the prompt columns are unmasked, which is exactly the
 * reference's "prompts after SOS with zero mask columns"; key order does not matter to softmax.
 */
final class PromptedAttention implements BlockAttention {
    private final List<Tensor> prompts;

    PromptedAttention(List<Tensor> prompts) {
        this.prompts = prompts;
    }

    @Override
    public Tensor attend(int layer, Tensor x, Tensor h, BlockWeights w, Tensor mask) {
        Tensor p = prompts.get(layer);
        if (p == null) {
            return AttentionMath.plain(h, w, mask);
        }
        return AttentionMath.mixture(h, w, mask, List.of(AttentionMath.Candidate.of(AttentionMath.promptKV(p, w))));
    }
}
