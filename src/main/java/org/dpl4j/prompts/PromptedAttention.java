package org.dpl4j.prompts;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.dpl4j.model.AttentionMath;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockWeights;
import org.dpl4j.model.Ops;

/**
 * Train-stage attention (docs/design.md §4): block l attends to its own tokens plus the keys/values
 * of its prompt P_l. In the text branch the prompt columns are unmasked, which is exactly the
 * reference's "prompts after SOS with zero mask columns"; key order does not matter to softmax.
 */
final class PromptedAttention implements BlockAttention {
    private final List<NDArray> prompts;

    PromptedAttention(List<NDArray> prompts) {
        this.prompts = prompts;
    }

    @Override
    public NDArray attend(int layer, NDArray x, NDArray h, BlockWeights w, NDArray mask) {
        NDArray p = prompts.get(layer);
        if (p == null) {
            return AttentionMath.plain(h, w, mask);
        }
        AttentionMath.PromptKV kv = AttentionMath.promptKV(Ops.inScopeOf(x, p), w);
        return AttentionMath.withPrompts(h, w, mask, List.of(kv), null);
    }
}
