package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Supernet parity with golden/supernet.safetensors for both attention paths: logits and loss
 * within 1e-4 absolute; alpha and candidate gradients within 1e-4 relative.
 */
class SupernetParityTest {

    @ParameterizedTest
    @EnumSource(AttentionMode.class)
    void matchesReference(AttentionMode mode) throws Exception {
        try (Scope s = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors("supernet.safetensors");
            int max = Integer.parseInt(Golden.metadata("supernet.safetensors").get("max_length"));
            List<Integer> cands = java.util.stream.IntStream.rangeClosed(0, max).boxed().toList();
            try (Supernet net = Supernet.of(g, clip.config(), cands, clip.device(), mode)) {
                Tensor img = clip.image().encode(g.get("images"), net.attention(Branch.IMAGE));
                Tensor txt = clip.text().encode(Golden.tokens(g.get("tokens")), net.attention(Branch.TEXT));
                Tensor logits = clip.logits(img, txt);
                long[] l = Tensors.toLongs(g.get("labels"));
                int[] labels = new int[l.length];
                for (int i = 0; i < l.length; i++) {
                    labels[i] = (int) l[i];
                }
                Tensor loss = Losses.crossEntropy(logits, labels);
                Map<String, Tensor> all = new LinkedHashMap<>(net.alphaParameters());
                all.putAll(net.promptParameters());
                List<Tensor> grads = Grads.of(loss, new ArrayList<>(all.values()));
                float el = Golden.maxAbsDiff(logits, g.get("logits"));
                float eloss = Math.abs(Tensors.item(loss) - Tensors.item(g.get("loss")));
                float worst = 0;
                int i = 0;
                for (String name : all.keySet()) {
                    float rel = Golden.maxRelDiff(grads.get(i++), g.get("grad." + name));
                    assertThat(rel).as(name).isLessThanOrEqualTo(1e-4f);
                    worst = Math.max(worst, rel);
                }
                System.out.printf("supernet parity %s: logits %.2e loss %.2e worst grad rel %.2e over %d tensors%n",
                        mode, el, eloss, worst, all.size());
                assertThat(el).isLessThanOrEqualTo(1e-4f);
                assertThat(eloss).isLessThanOrEqualTo(1e-4f);
                assertThat(all).hasSize(2 + 2 * 3 * 3);
            }
        }
    }
}
