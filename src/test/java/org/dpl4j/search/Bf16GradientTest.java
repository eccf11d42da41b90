package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.dpl4j.training.Losses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A supernet step in bf16 mode against the same step in fp32, on the golden tiny CLIP and the
 * bundled small CLIP, with the same alphas, prompts, images and labels: the frozen weights lose
 * mantissa bits, the learnable tensors and the loss stay fp32. Tolerances: loss within 0.02,
 * logits within 0.3, gradients of the alphas and of the prompts within 0.2 relative
 * (max |g16 − g32| / max |g32|, worst tensor): {@link Precision#BF16}'s tolerance, which {@code dpl4j doctor}
 * also applies. Measured on 2026-12-03 (AVX2, emulated bf16):
 * tiny logits 0.111, loss 0.0094, alpha grads 0.055, prompt grads 0.067; small 0.025, 0.0034,
 * 0.010, 0.019.
 */
class Bf16GradientTest {
    static final float MAX_LOSS_ERROR = Precision.BF16.tolerance().loss();
    static final float MAX_LOGIT_ERROR = Precision.BF16.tolerance().logits();
    static final float MAX_GRAD_REL = Precision.BF16.tolerance().gradRel();

    record Step(Tensor logits, Tensor loss, List<Tensor> alphaGrads, List<Tensor> promptGrads) {}

    static Step step(ClipModel clip, Supernet net, Tensor images, long[][] tokens, int[] labels) {
        Tensor img = clip.image().encode(images, net.attention(Branch.IMAGE));
        Tensor txt = clip.text().encode(tokens, net.attention(Branch.TEXT));
        Tensor logits = clip.logits(img, txt);
        Tensor loss = Losses.crossEntropy(logits, labels);
        List<Tensor> a = Grads.of(loss, new ArrayList<>(net.alphaParameters().values()));
        Tensor loss2 = Losses.crossEntropy(clip.logits(clip.image().encode(images, net.attention(Branch.IMAGE)),
                clip.text().encode(tokens, net.attention(Branch.TEXT))), labels);
        List<Tensor> p = Grads.of(loss2, new ArrayList<>(net.promptParameters().values()));
        return new Step(logits, loss, a, p);
    }

    static float worstRel(List<Tensor> got, List<Tensor> want) {
        float worst = 0;
        for (int i = 0; i < want.size(); i++) {
            worst = Math.max(worst, Golden.maxRelDiff(Tensors.fp32(got.get(i)), want.get(i)));
        }
        return worst;
    }

    @ParameterizedTest
    @ValueSource(strings = {"golden/tiny-clip", "small"})
    void bf16StepStaysCloseToFp32(String which) throws Exception {
        Path model = which.equals("small") ? Path.of("models/dpl4j-small") : Shared.require(which);
        try (Scope s = Scope.open();
                ClipModel fp32 = ClipLoader.load(model, null, Placement.CPU_FP32);
                ClipModel bf16 = ClipLoader.load(model, null, new Placement(DeviceSpec.CPU, Precision.BF16));
                Supernet net = Supernet.init(fp32, List.of(0, 1, 2, 3), 11)) {
            Map<String, Tensor> g = Golden.tensors("zeroshot.safetensors");
            long[][] tokens = Golden.tokens(g.get("tokens"));
            int res = fp32.config().imageResolution();
            torch.manual_seed(3);
            Tensor images = torch.randn(4, 3, res, res);
            int[] labels = new int[4];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % tokens.length;
            }
            Step a = step(fp32, net, images, tokens, labels);
            Step b = step(bf16, net, images, tokens, labels);
            float logit = Golden.maxAbsDiff(b.logits(), a.logits());
            float loss = Math.abs(Tensors.item(b.loss()) - Tensors.item(a.loss()));
            float alpha = worstRel(b.alphaGrads(), a.alphaGrads());
            float prompt = worstRel(b.promptGrads(), a.promptGrads());
            System.out.printf("bf16 vs fp32 supernet step %-18s logits %.3f loss %.4f alpha grad rel %.3f prompt grad rel %.3f%n",
                    which, logit, loss, alpha, prompt);
            assertThat(logit).as("the bf16 model really computes in bf16").isGreaterThan(0f);
            assertThat(logit).isLessThanOrEqualTo(MAX_LOGIT_ERROR);
            assertThat(loss).isLessThanOrEqualTo(MAX_LOSS_ERROR);
            assertThat(alpha).isLessThanOrEqualTo(MAX_GRAD_REL);
            assertThat(prompt).isLessThanOrEqualTo(MAX_GRAD_REL);
        }
    }
}
