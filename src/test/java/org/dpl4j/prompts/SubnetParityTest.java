package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
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
        try (Scope s = Scope.open();
                ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors("subnet.safetensors");
            Map<String, String> meta = Golden.metadata("subnet.safetensors");
            try (DeepPrompts prompts = DeepPrompts.of(g, clip)) {
                assertThat(prompts.config().image().toString()).isEqualTo(meta.get("lengths_image"));
                assertThat(prompts.config().text().toString()).isEqualTo(meta.get("lengths_text"));
                Tensor img = clip.image().encode(g.get("images"), prompts.attention(Branch.IMAGE));
                Tensor txt = clip.text().encode(Golden.tokens(g.get("tokens")), prompts.attention(Branch.TEXT));
                Tensor logits = clip.logits(img, txt);
                Tensor loss = Losses.crossEntropy(logits, toInts(g.get("labels")));
                List<String> names = new ArrayList<>(prompts.parameters().keySet());
                List<Tensor> grads = Grads.of(loss, new ArrayList<>(prompts.parameters().values()));
                float el = Golden.maxAbsDiff(logits, g.get("logits"));
                float eloss = Math.abs(Tensors.item(loss) - Tensors.item(g.get("loss")));
                System.out.printf("subnet parity: logits %.2e loss %.2e%n", el, eloss);
                assertThat(el).isLessThanOrEqualTo(1e-4f);
                assertThat(eloss).isLessThanOrEqualTo(1e-4f);
                int checked = 0;
                for (int i = 0; i < names.size(); i++) {
                    float rel = Golden.maxRelDiff(grads.get(i), g.get("grad." + names.get(i)));
                    System.out.printf("  grad %-18s rel %.2e%n", names.get(i), rel);
                    assertThat(rel).as(names.get(i)).isLessThanOrEqualTo(1e-4f);
                    checked++;
                }
                assertThat(checked).isEqualTo(4);
            }
        }
    }

    static int[] toInts(Tensor labels) {
        long[] l = Tensors.toLongs(labels);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = (int) l[i];
        }
        return out;
    }

    @Test
    void zeroLengthPromptsAreVanillaClip() throws Exception {
        try (Scope s = Scope.open();
                ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors("zeroshot.safetensors");
            PromptConfig none = PromptConfig.none(3, 3);
            try (DeepPrompts prompts = DeepPrompts.init(none, clip, 0.02f, 1)) {
                Tensor img = clip.image().encode(g.get("images"), prompts.attention(Branch.IMAGE));
                assertThat(Golden.maxAbsDiff(img, g.get("image_features"))).isLessThanOrEqualTo(1e-4f);
                assertThat(prompts.parameters()).isEmpty();
            }
        }
    }

    @Test
    void promptsChangeFeatures() throws Exception {
        try (Scope s = Scope.open();
                ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors("zeroshot.safetensors");
            PromptConfig cfg = new PromptConfig(List.of(2, 2, 2), List.of(1, 0, 3));
            try (DeepPrompts prompts = DeepPrompts.init(cfg, clip, 1f, 7)) {
                Tensor img = clip.image().encode(g.get("images"), prompts.attention(Branch.IMAGE));
                assertThat(Golden.maxAbsDiff(img, g.get("image_features"))).isGreaterThan(1e-3f);
            }
        }
    }
}
