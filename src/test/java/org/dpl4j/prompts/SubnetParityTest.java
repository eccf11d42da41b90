package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.dpl4j.training.Losses;
import org.junit.jupiter.api.Test;

/**
 * Train-stage (subnet) parity with golden/subnet.safetensors: logits and loss within 1e-4
 * absolute, every prompt gradient within 1e-4 relative to its largest element.
 */
class SubnetParityTest {

    @Test
    void logitsLossAndPromptGradientsMatchReference() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            Map<String, NDArray> g = Golden.tensors("subnet.safetensors", m);
            Map<String, String> meta = Golden.metadata("subnet.safetensors");
            try (DeepPrompts prompts = DeepPrompts.of(g, clip.config(), m);
                    NDManager step = m.newSubManager()) {
                assertThat(prompts.config().image().toString()).isEqualTo(meta.get("lengths_image"));
                assertThat(prompts.config().text().toString()).isEqualTo(meta.get("lengths_text"));
                NDArray logits;
                NDArray loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray img = clip.image().encode(g.get("images").duplicate(), prompts.attention(Branch.IMAGE));
                    NDArray txt = clip.text().encode(step, Golden.tokens(g.get("tokens")), prompts.attention(Branch.TEXT));
                    logits = clip.logits(img, txt);
                    loss = Losses.crossEntropy(logits, toInts(g.get("labels")));
                    gc.backward(loss);
                }
                float el = Golden.maxAbsDiff(logits, g.get("logits"));
                float eloss = Math.abs(loss.getFloat() - g.get("loss").getFloat());
                System.out.printf("subnet parity: logits %.2e loss %.2e%n", el, eloss);
                assertThat(el).isLessThanOrEqualTo(1e-4f);
                assertThat(eloss).isLessThanOrEqualTo(1e-4f);
                int checked = 0;
                for (Map.Entry<String, NDArray> e : prompts.parameters().entrySet()) {
                    float rel = Golden.maxRelDiff(e.getValue().getGradient(), g.get("grad." + e.getKey()));
                    System.out.printf("  grad %-18s rel %.2e%n", e.getKey(), rel);
                    assertThat(rel).as(e.getKey()).isLessThanOrEqualTo(1e-4f);
                    checked++;
                }
                assertThat(checked).isEqualTo(4);
            }
        }
    }

    static int[] toInts(NDArray labels) {
        long[] l = labels.toLongArray();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = (int) l[i];
        }
        return out;
    }

    @Test
    void zeroLengthPromptsAreVanillaClip() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            Map<String, NDArray> g = Golden.tensors("zeroshot.safetensors", m);
            PromptConfig none = PromptConfig.none(3, 3);
            try (DeepPrompts prompts = DeepPrompts.init(none, clip.config(), m, 0.02f, 1)) {
                NDArray img = clip.image().encode(g.get("images"), prompts.attention(Branch.IMAGE));
                assertThat(Golden.maxAbsDiff(img, g.get("image_features"))).isLessThanOrEqualTo(1e-4f);
                assertThat(prompts.parameters()).isEmpty();
            }
        }
    }

    @Test
    void promptsChangeFeatures() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            Map<String, NDArray> g = Golden.tensors("zeroshot.safetensors", m);
            PromptConfig cfg = new PromptConfig(List.of(2, 2, 2), List.of(1, 0, 3));
            try (DeepPrompts prompts = DeepPrompts.init(cfg, clip.config(), m, 1f, 7)) {
                NDArray img = clip.image().encode(g.get("images"), prompts.attention(Branch.IMAGE));
                assertThat(Golden.maxAbsDiff(img, g.get("image_features"))).isGreaterThan(1e-3f);
            }
        }
    }
}
