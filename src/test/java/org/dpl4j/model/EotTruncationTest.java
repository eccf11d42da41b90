package org.dpl4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.search.Supernet;
import org.dpl4j.tensor.Scope;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.Test;

/** Running the text encoder only up to the last EOT gives the 77-token features (docs/design.md §6). */
class EotTruncationTest {

    @Test
    void truncatedEqualsFullWithAndWithoutPrompts() throws Exception {
        try (Scope s = Scope.open();
                ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors("zeroshot.safetensors");
            long[][] tokens = Golden.tokens(g.get("tokens"));
            int[] eot = TextEncoder.eotIndices(tokens);
            assertThat(java.util.Arrays.stream(eot).max().getAsInt()).isLessThan(76);
            Tensor emb = clip.text().embed(tokens);
            try (DeepPrompts prompts = DeepPrompts.init(new PromptConfig(List.of(2, 0, 3), List.of(0, 0, 0)), clip, 0.5f, 3);
                    Supernet net = Supernet.init(clip, List.of(0, 1, 2, 3), 5)) {
                for (BlockAttention att : List.of(BlockAttention.PLAIN, prompts.attention(Branch.TEXT),
                        net.attention(Branch.TEXT))) {
                    Tensor cut = clip.text().encodeEmbeddings(emb, eot, att, true);
                    Tensor full = clip.text().encodeEmbeddings(emb, eot, att, false);
                    assertThat(Golden.maxAbsDiff(cut, full)).isLessThanOrEqualTo(1e-5f);
                }
            }
        }
    }
}
