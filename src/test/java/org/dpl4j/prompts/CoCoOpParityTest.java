package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import java.util.Map;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipModel;
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
        try (NDManager m = NDManager.newBaseManager();
                ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            Map<String, NDArray> g = Golden.tensors(FILE, m);
            List<String> classes = BaselineGolden.classNames(FILE);
            try (CoCoOp cocoop = CoCoOp.of(g, clip.config(), m); NDManager step = m.newSubManager()) {
                ClassTexts texts = cocoop.texts(clip, classes, List.of("ignored {}"), step);
                BaselineGolden.assertTextInput(texts, g, 4);
                assertThat(Golden.maxAbsDiff(texts.embeddings().get(new NDIndex(":, 1:5")),
                        g.get("ctx").expandDims(0).broadcast(5, 4, 64))).as("ctx starts as 'a photo of a'").isLessThanOrEqualTo(1e-6f);
                NDArray images = g.get("images").duplicate();

                NDArray imageN = ClipModel.normalize(clip.image().encode(images, BlockAttention.PLAIN));
                BaselineGolden.report("meta_net_out", Golden.maxAbsDiff(cocoop.metaNet(imageN), g.get("meta_net_out")), 1e-4f);
                NDArray contexts = g.get("ctx").expandDims(0).add(g.get("meta_net_out").expandDims(1));
                BaselineGolden.report("text_features",
                        Golden.maxAbsDiff(cocoop.textFeatures(clip, step, contexts, texts), g.get("text_features")), 1e-4f);

                BaselineGolden.checkLogitsLossGradients(g, cocoop.parameters(), 5,
                        () -> cocoop.logits(clip, step, images, texts));
            }
        }
    }

    @Test
    void chunkedTextPassesGiveTheSameLogitsAsOne() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            Map<String, NDArray> g = Golden.tensors(FILE, m);
            try (CoCoOp cocoop = CoCoOp.of(g, clip.config(), m); NDManager step = m.newSubManager()) {
                // 260 classes: 1024 / 260 = 3 images per pass, so the 4 images take two passes
                List<String> many = new java.util.ArrayList<>();
                for (int i = 0; i < 260; i++) {
                    many.add(BaselineGolden.classNames(FILE).get(i % 5) + (i < 5 ? "" : " " + i));
                }
                ClassTexts texts = cocoop.texts(clip, many, List.of(), step);
                NDArray images = g.get("images").duplicate();
                NDArray all = cocoop.logits(clip, step, images, texts);
                for (int i = 0; i < 4; i++) {
                    NDArray one = cocoop.logits(clip, step, images.get(new NDIndex("{}:{}", i, i + 1)), texts);
                    assertThat(Golden.maxAbsDiff(all.get(new NDIndex("{}:{}", i, i + 1)), one)).as("image " + i).isLessThanOrEqualTo(1e-4f);
                }
                assertThat(Golden.maxAbsDiff(all.get(new NDIndex(":, :5")), g.get("logits"))).isLessThanOrEqualTo(1e-4f);
            }
        }
    }
}
