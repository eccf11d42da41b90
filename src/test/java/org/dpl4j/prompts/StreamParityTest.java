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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Official IVLP and deep VPT (golden/ivlp.safetensors, vpt.safetensors: muzairkhattak/multimodal-prompt-learning's
 * trainers on the golden tiny CLIP, depth 12 capped at its 3 blocks) on the token-replacement mechanism: the text
 * input equals the official buffers, both feature sets, logits and the loss match within 1e-5, every gradient
 * within 1e-4 relative.
 */
class StreamParityTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ivlp, ivlp.safetensors, 2, 2", "vpt-deep, vpt.safetensors, 0, 8"})
    void featuresLogitsLossAndEveryGradientMatchTheOfficialTrainer(String method, String file, int nText, int nVision)
            throws Exception {
        try (Scope s = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors(file);
            Map<String, String> meta = Golden.metadata(file);
            StreamMethod m = StreamMethod.named(method).orElseThrow();
            try (StreamPrompts p = StreamPrompts.of(m.id(), m.coupled(), g, clip)) {
                // the layout the file's tensors give is the method's published one on this model, and the metadata's
                assertThat(p.layout()).isEqualTo(m.published(clip.config()));
                assertThat(p.layout().vision()).hasSize(Integer.parseInt(meta.get("prompt_depth_vision")))
                        .containsOnly(Integer.parseInt(meta.get("n_ctx_vision")));
                assertThat(p.layout().text().get(0)).isEqualTo(nText);
                assertThat(p.layout().vision().get(0)).isEqualTo(nVision);
                ClassTexts texts = p.texts(clip, BaselineGolden.classNames(file), List.of("ignored {}"));
                if (nText > 0) {
                    BaselineGolden.assertTextInput(texts, g, nText);
                }
                Tensor images = g.get("images");
                BaselineGolden.report("image_features", Golden.maxAbsDiff(p.encodeImages(clip, images), g.get("image_features")), 1e-5f);
                BaselineGolden.report("text_features", Golden.maxAbsDiff(p.encodeText(clip, texts), g.get("text_features")), 1e-5f);
                BaselineGolden.checkLogitsLossGradients(g, p.parameters(), 5, () -> p.logits(clip, images, texts), 1e-5f);
            }
        }
    }
}
