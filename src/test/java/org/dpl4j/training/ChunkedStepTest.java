package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.TextEncoder;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.search.Supernet;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.RandomClip;
import org.junit.jupiter.api.Test;

/** The chunked alpha step back-propagates the same gradient as one pass over the whole batch. */
class ChunkedStepTest {
    private static final ClipConfig CFG = new ClipConfig(32, 32, 3, 64, 2, 8, 77, 1000, 64, 2, 3);

    @Test
    void chunksGiveTheWholeBatchGradientAndLoss() {
        long[][] tokens = RandomClip.randomTokens(5, CFG, 3);
        int[] labels = {0, 1, 2, 3, 4, 0, 1, 2};
        try (Scope root = Scope.open(); ClipModel clip = RandomClip.create(CFG, 1);
                Supernet net = Supernet.init(CFG, List.of(0, 1, 2, 3), 1)) {
            Tensor images = Tensors.floats(gaussian(labels.length * 3 * 32 * 32, 7), labels.length, 3, 32, 32);
            BlockAttention ti = net.attention(Branch.IMAGE);
            BlockAttention tt = net.attention(Branch.TEXT);
            // alphas and candidate prompts together: both branches, both kinds of parameter
            Map<String, Tensor> params = new LinkedHashMap<>(net.alphaParameters());
            params.putAll(net.promptParameters());

            CapturedGradients whole = new CapturedGradients();
            float wholeLoss = StepRunner.step(() -> Losses.crossEntropy(
                    clip.logits(clip.image().encode(images, ti), clip.text().encode(tokens, tt)), labels), params, whole, 0f);
            CapturedGradients chunked = new CapturedGradients();
            ClassTexts texts = new ClassTexts(List.of("a", "b", "c", "d", "e"), clip.text().embed(tokens), TextEncoder.eotIndices(tokens));
            float chunkedLoss = StepRunner.chunkedStep(TextPass.whole(texts, t -> clip.text().encodeEmbeddings(t.embeddings(), t.eot(), tt, true)), (txt, from, to) -> {
                Tensor part = images.narrow(0, from, to - from);
                return Losses.crossEntropy(clip.logits(clip.image().encode(part, ti), txt), Arrays.copyOfRange(labels, from, to));
            }, labels.length, 3, params, chunked, 0f); // chunks of 3, 3 and 2

            assertThat(chunkedLoss).isCloseTo(wholeLoss, within(1e-5f * Math.abs(wholeLoss)));
            assertThat(chunked.grads).hasSameSizeAs(whole.grads).hasSameSizeAs(params.keySet());
            List<String> names = new ArrayList<>(params.keySet());
            double worst = 0;
            for (int i = 0; i < whole.grads.size(); i++) {
                float[] a = whole.grads.get(i);
                float[] b = chunked.grads.get(i);
                double num = 0;
                double den = 0;
                for (int j = 0; j < a.length; j++) {
                    assertThat(a[j]).as("reference gradient of %s[%d]", names.get(i), j).isFinite();
                    num += (a[j] - b[j]) * (double) (a[j] - b[j]);
                    den += a[j] * (double) a[j];
                }
                // a zero reference would make the relative error meaningless and hide any chunked gradient
                assertThat(den).as("reference gradient of %s is all zero", names.get(i)).isPositive();
                worst = Math.max(worst, Math.sqrt(num / den));
            }
            System.out.printf("chunked vs whole batch: loss %.3e, worst gradient rel %.3e over %d tensors%n",
                    Math.abs(chunkedLoss - wholeLoss), worst, whole.grads.size());
            assertThat(worst).as("worst relative gradient error").isLessThan(1e-5);
        }
    }

    @Test
    void nonFiniteChunkLossStopsBeforeAnyUpdate() {
        try (Scope root = Scope.open()) {
            Tensor w = Tensors.ones(null, 2).set_requires_grad(true);
            CapturedGradients opt = new CapturedGradients();
            assertThatThrownBy(() -> StepRunner.chunkedStep(CapturedGradients.oneFeature(w.mul(Tensors.ones(null, 2)), 2), (shared, from, to) ->
                    from == 0 ? shared.sum() : shared.sum().mul(Tensors.scalarLike(shared, Float.NaN)), 4, 2, Map.of("w", w), opt, 1f))
                    .isInstanceOf(StepRunner.NonFiniteLossException.class);
            assertThat(opt.grads).isEmpty();
            assertThat(Tensors.toFloats(w)).containsExactly(1f, 1f);
        }
    }

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
