package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.search.Supernet;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.RandomClip;
import org.junit.jupiter.api.Test;

/**
 * Gradients must not depend on what the garbage collector does between forward and backward.
 * Every intermediate of a forward pass has a Java handle; outside a {@link org.dpl4j.tensor.Scope}
 * the garbage collector frees the native tensor behind a handle once the handle is unreachable,
 * and JavaCPP's short-lived helpers (scalars, shape arrays, the buffers data is copied from) die
 * the same way. Autograd must own everything it saved for backward, so this test runs the forward
 * with no scope, drops every handle but the loss's, forces a collection that frees them (checked
 * with a weak reference to the image features), refills freed native and direct memory with junk,
 * and only then takes the gradients: prompt and alpha gradients must be bit-identical to an
 * undisturbed step's. (DJL's {@code mul(Number)} once failed exactly this: autograd kept a
 * scalar in a Java direct buffer that DJL freed right after the op.)
 */
class GarbageCollectionGradientTest {
    private static final ClipConfig CFG = new ClipConfig(32, 32, 3, 64, 2, 8, 77, 1000, 64, 2, 3);
    private static final int ROUNDS = 12;

    @Test
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() {
        long[][] tokens = RandomClip.randomTokens(5, CFG, 3);
        int[] labels = {0, 1, 2, 3};
        // deliberately no Scope: the forward's handles are left to the garbage collector
        try (ClipModel clip = RandomClip.create(CFG, 1);
                DeepPrompts prompts = DeepPrompts.init(PromptConfig.uniform(2, 2, 3, 3, 3), CFG, 0.02f, 1);
                Supernet net = Supernet.init(CFG, List.of(0, 1, 2, 3), 1)) {
            Tensor images = Tensors.floats(gaussian(4 * 3 * 32 * 32, 5), 4, 3, 32, 32);
            Map<String, Tensor> subnetParams = prompts.parameters();
            Map<String, Tensor> alphas = net.alphaParameters();
            float[][] cleanPrompt = gradients(clip, images, tokens, labels, prompts, null, subnetParams, false);
            float[][] cleanAlpha = gradients(clip, images, tokens, labels, null, net, alphas, false);
            for (int round = 0; round < ROUNDS; round++) {
                assertThat(gradients(clip, images, tokens, labels, prompts, null, subnetParams, true))
                        .as("subnet prompt gradients after a GC, round %d", round).isDeepEqualTo(cleanPrompt);
                assertThat(gradients(clip, images, tokens, labels, null, net, alphas, true))
                        .as("supernet alpha gradients after a GC, round %d", round).isDeepEqualTo(cleanAlpha);
            }
        }
    }

    private static float[][] gradients(ClipModel clip, Tensor images, long[][] tokens, int[] labels, DeepPrompts prompts,
            Supernet net, Map<String, Tensor> params, boolean disturb) {
        List<WeakReference<Tensor>> features = new ArrayList<>();
        Tensor loss = forward(clip, images, tokens, labels, prompts, net, features);
        List<FloatPointer> junk = List.of();
        if (disturb) {
            collect(features.get(0));
            junk = reuseFreedMemory();
        }
        List<Tensor> g = Grads.of(loss, new ArrayList<>(params.values()));
        float[][] out = new float[g.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Tensors.toFloats(g.get(i));
        }
        junk.forEach(FloatPointer::close);
        return out;
    }

    /** The loss; every other handle of the forward is unreachable once this returns. */
    private static Tensor forward(ClipModel clip, Tensor images, long[][] tokens, int[] labels, DeepPrompts prompts,
            Supernet net, List<WeakReference<Tensor>> features) {
        Tensor img = clip.image().encode(images,
                prompts != null ? prompts.attention(Branch.IMAGE) : net.attention(Branch.IMAGE));
        Tensor txt = clip.text().encode(tokens,
                prompts != null ? prompts.attention(Branch.TEXT) : net.attention(Branch.TEXT));
        features.add(new WeakReference<>(img));
        return Losses.crossEntropy(clip.logits(img, txt), labels);
    }

    /** Collects until {@code probe}'s referent is gone, then frees the native side of every collected handle. */
    private static void collect(WeakReference<Tensor> probe) {
        for (int i = 0; i < 20 && probe.get() != null; i++) {
            System.gc();
        }
        assertThat(probe.get()).as("the image features' handle was garbage-collected before backward").isNull();
        Pointer.deallocateReferences();
    }

    /** Fills freshly allocated native and direct memory (likely what was just freed) with junk; the caller frees it. */
    private static List<FloatPointer> reuseFreedMemory() {
        List<FloatPointer> junk = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            FloatPointer p = new FloatPointer(1L << (i % 12));
            for (long j = 0; j < p.capacity(); j++) {
                p.put(j, 1e30f);
            }
            junk.add(p);
        }
        List<ByteBuffer> direct = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 4)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) {
                b.putFloat(1e30f);
            }
            direct.add(b);
        }
        return junk;
    }

    private static float[] gaussian(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
