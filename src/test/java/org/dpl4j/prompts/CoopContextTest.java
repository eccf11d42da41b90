package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
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
        try (NDManager m = NDManager.newBaseManager(); ClipModel clip = RandomClip.create(cfg, m, 5)) {
            PromptConfig coop = Presets.resolve("coop", cfg);
            assertThat(coop.context()).isEqualTo(16);
            assertThat(coop.trainableParameters(cfg)).isEqualTo(16L * 32);
            ClassTexts texts = ClassTexts.build(clip, List.of("cat", "golden retriever"), List.of(Templates.DEFAULT), 16, m);
            // "X X ... X cat." : SOT, 16 X, cat, ., EOT
            assertThat(texts.eot()[0]).isEqualTo(19);
            try (DeepPrompts p = DeepPrompts.init(coop, cfg, m, 0.02f, 1); NDManager step = m.newSubManager()) {
                NDArray input = texts.input(step, p.context());
                assertThat(input.getShape()).isEqualTo(texts.embeddings().getShape());
                // positions 1..16 hold the context, the others the frozen embeddings
                assertThat(Golden.maxAbsDiff(input.get("0, 1:17, :"), p.context())).isZero();
                assertThat(Golden.maxAbsDiff(input.get(":, 17:, :"), texts.embeddings().get(":, 17:, :"))).isZero();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    // inside the collector: autograd records only while it is open
                    NDArray f = clip.text().encodeEmbeddings(step, texts.input(step, p.context()), texts.eot(),
                            BlockAttention.PLAIN, true);
                    gc.backward(f.sum());
                }
                assertThat(p.context().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
                p.save(tmp.resolve("p.safetensors"));
                try (DeepPrompts back = DeepPrompts.load(tmp.resolve("p.safetensors"), cfg, m)) {
                    assertThat(back.config().context()).isEqualTo(16);
                    assertThat(Golden.maxAbsDiff(back.context(), p.context())).isZero();
                }
            }
        }
    }
}
