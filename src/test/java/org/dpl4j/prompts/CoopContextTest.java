package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.RandomClip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CoOp's learned input context: placement, gradients, and save/load. */
class CoopContextTest {
    @TempDir
    Path tmp;

    @Test
    void contextReplacesTemplateWordsAndLearns() throws Exception {
        ClipConfig cfg = new ClipConfig(24, 32, 2, 32, 2, 8, 77, 49408, 32, 2, 2);
        try (Scope s = Scope.open(); ClipModel clip = RandomClip.create(cfg, 5)) {
            PromptConfig coop = Presets.resolve("coop", cfg);
            assertThat(coop.context()).isEqualTo(16);
            assertThat(coop.trainableParameters(cfg)).isEqualTo(16L * 32);
            ClassTexts texts = ClassTexts.build(clip, List.of("cat", "golden retriever"), List.of(Templates.DEFAULT), 16);
            // "X X ... X cat." : SOT, 16 X, cat, ., EOT
            assertThat(texts.eot()[0]).isEqualTo(19);
            try (DeepPrompts p = DeepPrompts.init(coop, clip, 0.02f, 1)) {
                Tensor input = texts.input(p.context());
                assertThat(Shape.of(input)).isEqualTo(Shape.of(texts.embeddings()));
                // positions 1..16 hold the context, the others the frozen embeddings
                assertThat(Golden.maxAbsDiff(input.select(0, 0).narrow(0, 1, 16), p.context())).isZero();
                long rest = input.size(1) - 17;
                assertThat(Golden.maxAbsDiff(input.narrow(1, 17, rest), texts.embeddings().narrow(1, 17, rest))).isZero();
                Tensor f = clip.text().encodeEmbeddings(texts.input(p.context()), texts.eot(), BlockAttention.PLAIN, true);
                Tensor grad = Grads.of(f.sum(), List.of(p.context())).get(0);
                assertThat(Tensors.item(grad.abs().sum())).isGreaterThan(0f);
                p.save(tmp.resolve("p.safetensors"));
                try (DeepPrompts back = DeepPrompts.load(tmp.resolve("p.safetensors"), clip)) {
                    assertThat(back.config().context()).isEqualTo(16);
                    assertThat(Golden.maxAbsDiff(back.context(), p.context())).isZero();
                }
            }
        }
    }
}
