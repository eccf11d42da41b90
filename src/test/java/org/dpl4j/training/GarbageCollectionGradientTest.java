package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.search.Supernet;
import org.dpl4j.testutil.RandomClip;
import org.junit.jupiter.api.Test;

/**
 * Gradients must not depend on what the garbage collector does between forward and backward.
 * DJL's {@code mul(Number)} and friends wrap the number in a Java direct buffer that PyTorch
 * does not own and free it right after the op; autograd keeps that scalar for backward, so a
 * GC that frees the buffer, followed by allocations that reuse its memory, changes the
 * gradients. This test forces exactly that between forward and backward and requires the
 * prompt and alpha gradients to be bit-identical to an undisturbed step.
 */
class GarbageCollectionGradientTest {
    private static final ClipConfig CFG = new ClipConfig(32, 32, 3, 64, 2, 8, 77, 1000, 64, 2, 3);
    private static final int ROUNDS = 12;

    @Test
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() {
        long[][] tokens = RandomClip.randomTokens(5, CFG, 3);
        int[] labels = {0, 1, 2, 3};
        try (NDManager root = NDManager.newBaseManager(); ClipModel clip = RandomClip.create(CFG, root, 1);
                DeepPrompts prompts = DeepPrompts.init(PromptConfig.uniform(2, 2, 3, 3, 3), CFG, root, 0.02f, 1);
                Supernet net = Supernet.init(CFG, List.of(0, 1, 2, 3), root, 1)) {
            NDArray images = root.randomNormal(new Shape(4, 3, 32, 32));
            Map<String, NDArray> subnetParams = prompts.parameters();
            Map<String, NDArray> alphas = net.alphaParameters();
            float[][] cleanPrompt = gradients(root, clip, images, tokens, labels, prompts, null, subnetParams, false);
            float[][] cleanAlpha = gradients(root, clip, images, tokens, labels, null, net, alphas, false);
            for (int round = 0; round < ROUNDS; round++) {
                assertThat(gradients(root, clip, images, tokens, labels, prompts, null, subnetParams, true))
                        .as("subnet prompt gradients after a GC, round %d", round).isDeepEqualTo(cleanPrompt);
                assertThat(gradients(root, clip, images, tokens, labels, null, net, alphas, true))
                        .as("supernet alpha gradients after a GC, round %d", round).isDeepEqualTo(cleanAlpha);
            }
        }
    }

    private static float[][] gradients(NDManager root, ClipModel clip, NDArray images, long[][] tokens, int[] labels,
            DeepPrompts prompts, Supernet net, Map<String, NDArray> params, boolean disturb) {
        try (NDManager s = root.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray img = clip.image().encode(images,
                        prompts != null ? prompts.attention(Branch.IMAGE) : net.attention(Branch.IMAGE, AttentionMode.FUSED));
                NDArray txt = clip.text().encode(s, tokens,
                        prompts != null ? prompts.attention(Branch.TEXT) : net.attention(Branch.TEXT, AttentionMode.FUSED));
                NDArray loss = Losses.crossEntropy(clip.logits(img, txt), labels);
                org.dpl4j.training.optim.Optimizer.zeroGradients(params);
                if (disturb) {
                    reuseFreedDirectMemory();
                }
                gc.backward(loss);
            }
            float[][] out = new float[params.size()][];
            int i = 0;
            for (NDArray p : params.values()) {
                try (NDArray g = p.getGradient()) {
                    out[i++] = g.toFloatArray();
                }
            }
            return out;
        }
    }

    /** Frees unreachable direct buffers, then fills freshly allocated ones (likely the same memory) with junk. */
    private static void reuseFreedDirectMemory() {
        System.gc();
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 4)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) {
                b.putFloat(1e30f);
            }
            junk.add(b);
        }
    }
}
