package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.dpl4j.model.ClipModel;
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
        try (NDManager m = NDManager.newBaseManager();
                ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            Map<String, NDArray> g = Golden.tensors(FILE, m);
            try (MaPLe maple = MaPLe.of(g, clip.config(), m); NDManager step = m.newSubManager()) {
                assertThat(maple.depth()).isEqualTo(Integer.parseInt(Golden.metadata(FILE).get("prompt_depth")));
                ClassTexts texts = maple.texts(clip, BaselineGolden.classNames(FILE), List.of("ignored {}"), step);
                BaselineGolden.assertTextInput(texts, g, 2);
                NDArray images = g.get("images").duplicate();

                BaselineGolden.report("shared_ctx", Golden.maxAbsDiff(maple.sharedContext(step), g.get("shared_ctx")), 1e-4f);
                List<NDArray> deep = maple.visualDeepPrompts(step);
                for (int i = 0; i < deep.size(); i++) {
                    BaselineGolden.report("visual_deep_prompts." + i, Golden.maxAbsDiff(deep.get(i), g.get("visual_deep_prompts." + i)), 1e-4f);
                }
                BaselineGolden.report("image_features", Golden.maxAbsDiff(maple.imageFeatures(clip, images), g.get("image_features")), 1e-4f);
                BaselineGolden.report("text_features", Golden.maxAbsDiff(maple.textFeatures(clip, step, texts), g.get("text_features")), 1e-4f);

                BaselineGolden.checkLogitsLossGradients(g, maple.parameters(), 5, () -> maple.logits(clip, step, images, texts));
            }
        }
    }
}
