package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipModel;
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
        try (NDManager m = NDManager.newBaseManager();
                ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            Map<String, NDArray> g = Golden.tensors("supernet.safetensors", m);
            int max = Integer.parseInt(Golden.metadata("supernet.safetensors").get("max_length"));
            List<Integer> cands = java.util.stream.IntStream.rangeClosed(0, max).boxed().toList();
            try (Supernet net = Supernet.of(g, clip.config(), cands, m); NDManager step = m.newSubManager()) {
                NDArray logits;
                NDArray loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray img = clip.image().encode(g.get("images"), net.attention(Branch.IMAGE, mode));
                    NDArray txt = clip.text().encode(step, Golden.tokens(g.get("tokens")), net.attention(Branch.TEXT, mode));
                    logits = clip.logits(img, txt);
                    long[] l = g.get("labels").toLongArray();
                    int[] labels = new int[l.length];
                    for (int i = 0; i < l.length; i++) {
                        labels[i] = (int) l[i];
                    }
                    loss = Losses.crossEntropy(logits, labels);
                    gc.backward(loss);
                }
                float el = Golden.maxAbsDiff(logits, g.get("logits"));
                float eloss = Math.abs(loss.getFloat() - g.get("loss").getFloat());
                Map<String, NDArray> all = new LinkedHashMap<>(net.alphaParameters());
                all.putAll(net.promptParameters());
                float worst = 0;
                for (Map.Entry<String, NDArray> e : all.entrySet()) {
                    float rel = Golden.maxRelDiff(e.getValue().getGradient(), g.get("grad." + e.getKey()));
                    assertThat(rel).as(e.getKey()).isLessThanOrEqualTo(1e-4f);
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
