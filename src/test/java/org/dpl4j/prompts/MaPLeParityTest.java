package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.tensor.Scope;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.Test;

/**
 * MaPLe parity with golden/maple.safetensors (the official trainer on the golden tiny CLIP, prompt
 * depth 3): the text input equals the official buffers, the coupled vision prompts, both feature
 * sets, logits and loss match within 1e-4, every gradient within 1e-4 relative.
 */
class MaPLeParityTest {
    static final String FILE = "maple.safetensors";

    @Test
    void logitsLossAndEveryGradientMatchTheOfficialTrainer() throws Exception {
        try (Scope s = Scope.open();
                ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors(FILE);
            try (StreamPrompts maple = MaPLe.of(g, clip)) {
                assertThat(maple.layout().text().size()).isEqualTo(Integer.parseInt(Golden.metadata(FILE).get("prompt_depth")));
                ClassTexts texts = maple.texts(clip, BaselineGolden.classNames(FILE), List.of("ignored {}"));
                BaselineGolden.assertTextInput(texts, g, 2);
                Tensor images = g.get("images");

                BaselineGolden.report("shared_ctx", Golden.maxAbsDiff(maple.visionPrompt(0), g.get("shared_ctx")), 1e-4f);
                for (int i = 0; i + 1 < maple.layout().vision().size(); i++) {
                    BaselineGolden.report("visual_deep_prompts." + i, Golden.maxAbsDiff(maple.visionPrompt(i + 1),
                            g.get("visual_deep_prompts." + i)), 1e-4f);
                }
                BaselineGolden.report("image_features", Golden.maxAbsDiff(maple.encodeImages(clip, images), g.get("image_features")), 1e-4f);
                BaselineGolden.report("text_features", Golden.maxAbsDiff(maple.encodeText(clip, texts), g.get("text_features")), 1e-4f);

                BaselineGolden.checkLogitsLossGradients(g, maple.parameters(), 5, () -> maple.logits(clip, images, texts));
            }
        }
    }
}
