package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.testutil.RandomClip;
import org.dpl4j.training.Losses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fused and naive mixture attention agree (features, loss and all gradients) on random models
 * and candidate sets of sizes other than the golden ones; no shared data needed.
 */
class FusedVsNaiveTest {

    @ParameterizedTest
    @CsvSource({"'0,1,2,3', 3, 48, 3", "'0,2,4,6', 2, 32, 4", "'0,1', 1, 64, 2", "'0,3,5', 4, 48, 6"})
    void agree(String cands, int layers, int width, int classes) throws Exception {
        List<Integer> c = java.util.Arrays.stream(cands.split(",")).map(Integer::parseInt).toList();
        ClipConfig cfg = new ClipConfig(24, 32, layers, width, width / 16, 8, 20, 600, width, width / 16, layers);
        try (NDManager m = NDManager.newBaseManager(); ClipModel clip = RandomClip.create(cfg, m, 11)) {
            NDArray images = m.randomNormal(new Shape(3, 3, 32, 32));
            long[][] tokens = RandomClip.randomTokens(classes, cfg, 13);
            Map<AttentionMode, float[]> loss = new HashMap<>();
            Map<AttentionMode, Map<String, float[]>> grads = new HashMap<>();
            for (AttentionMode mode : AttentionMode.values()) {
                try (Supernet net = Supernet.init(cfg, c, m, 21); NDManager step = m.newSubManager()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray img = clip.image().encode(images, net.attention(Branch.IMAGE, mode));
                        NDArray txt = clip.text().encode(step, tokens, net.attention(Branch.TEXT, mode));
                        NDArray l = Losses.crossEntropy(clip.logits(img, txt), new int[] {0, 1 % classes, 1});
                        gc.backward(l);
                        loss.put(mode, new float[] {l.getFloat()});
                    }
                    Map<String, float[]> g = new HashMap<>();
                    net.alphaParameters().forEach((k, v) -> g.put(k, v.getGradient().toFloatArray()));
                    net.promptParameters().forEach((k, v) -> g.put(k, v.getGradient().toFloatArray()));
                    grads.put(mode, g);
                }
            }
            assertThat(loss.get(AttentionMode.FUSED)[0]).isCloseTo(loss.get(AttentionMode.NAIVE)[0], org.assertj.core.data.Offset.offset(1e-4f));
            for (String k : grads.get(AttentionMode.NAIVE).keySet()) {
                float[] a = grads.get(AttentionMode.FUSED).get(k);
                float[] b = grads.get(AttentionMode.NAIVE).get(k);
                float scale = 1e-12f;
                float diff = 0;
                for (int i = 0; i < a.length; i++) {
                    scale = Math.max(scale, Math.abs(b[i]));
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                }
                assertThat(diff / scale).as(k).isLessThanOrEqualTo(1e-3f);
            }
        }
    }
}
