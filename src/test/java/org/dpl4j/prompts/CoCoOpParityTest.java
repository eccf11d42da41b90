package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.tensor.Scope;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.Test;

/**
 * CoCoOp parity with golden/cocoop.safetensors (the official trainer on the golden tiny CLIP):
 * our text input equals the official prefix/suffix buffers, and from the stored initial values the
 * meta-net output, text features, logits and loss match within 1e-4, every gradient within 1e-4
 * relative to its largest element.
 */
class CoCoOpParityTest {
    static final String FILE = "cocoop.safetensors";

    @Test
    void logitsLossAndEveryGradientMatchTheOfficialTrainer() throws Exception {
        try (Scope s = Scope.open();
                ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors(FILE);
            List<String> classes = BaselineGolden.classNames(FILE);
            try (CoCoOp cocoop = CoCoOp.of(g, clip)) {
                ClassTexts texts = cocoop.texts(clip, classes, List.of("ignored {}"));
                BaselineGolden.assertTextInput(texts, g, 4);
                assertThat(Golden.maxAbsDiff(texts.embeddings().narrow(1, 1, 4),
                        g.get("ctx").unsqueeze(0).expand(5, 4, 64))).as("ctx starts as 'a photo of a'").isLessThanOrEqualTo(1e-6f);
                Tensor images = g.get("images");

                Tensor imageN = ClipModel.normalize(clip.image().encode(images, BlockAttention.PLAIN));
                BaselineGolden.report("meta_net_out", Golden.maxAbsDiff(cocoop.metaNet(imageN), g.get("meta_net_out")), 1e-4f);
                Tensor contexts = g.get("ctx").unsqueeze(0).add(g.get("meta_net_out").unsqueeze(1));
                BaselineGolden.report("text_features",
                        Golden.maxAbsDiff(cocoop.textFeatures(clip, contexts, texts), g.get("text_features")), 1e-4f);

                BaselineGolden.checkLogitsLossGradients(g, cocoop.parameters(), 5,
                        () -> cocoop.logits(clip, images, texts));
            }
        }
    }

    @Test
    void chunkedTextPassesGiveTheSameLogitsAsOne() throws Exception {
        try (Scope s = Scope.open();
                ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors(FILE);
            try (CoCoOp cocoop = CoCoOp.of(g, clip)) {
                // 260 classes: 1024 / 260 = 3 images per pass, so the 4 images take two passes
                List<String> many = new java.util.ArrayList<>();
                for (int i = 0; i < 260; i++) {
                    many.add(BaselineGolden.classNames(FILE).get(i % 5) + (i < 5 ? "" : " " + i));
                }
                ClassTexts texts = cocoop.texts(clip, many, List.of());
                Tensor images = g.get("images");
                Tensor all = cocoop.logits(clip, images, texts);
                for (int i = 0; i < 4; i++) {
                    Tensor one = cocoop.logits(clip, images.narrow(0, i, 1), texts);
                    assertThat(Golden.maxAbsDiff(all.narrow(0, i, 1), one)).as("image " + i).isLessThanOrEqualTo(1e-4f);
                }
                assertThat(Golden.maxAbsDiff(all.narrow(1, 0, 5), g.get("logits"))).isLessThanOrEqualTo(1e-4f);
            }
        }
    }
}
