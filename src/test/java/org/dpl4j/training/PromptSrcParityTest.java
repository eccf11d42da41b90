package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.data.Sample;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.PromptLearners;
import org.dpl4j.prompts.PromptSrcPublished;
import org.dpl4j.prompts.StreamLayout;
import org.dpl4j.prompts.StreamMethod;
import org.dpl4j.prompts.StreamPrompts;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.Test;

/**
 * PromptSRC end to end against golden/promptsrc.safetensors (the official trainer's {@code forward_backward} on the
 * golden tiny CLIP, 4 + 4 prompts, depth 9 capped at 3): the prompts on the token-replacement mechanism, the frozen
 * branch built from the 60 templates, and the training step's loss ({@link SelfRegulation#terms}, what
 * {@link PromptTrainer} differentiates): features, logits and every loss term within 1e-5, the gradient of the total
 * w.r.t. every prompt within 1e-4 relative; the train stage's step hands its optimiser the same gradients (bit for
 * bit in one text pass, within the bound in class chunks).
 */
class PromptSrcParityTest {
    static final String FILE = "promptsrc.safetensors";

    @Test
    void theTrainingStepsLossTermsAndGradientsAreTheOfficialTrainers() throws Exception {
        Map<String, String> meta = Golden.metadata(FILE);
        List<String> names = new ObjectMapper().readValue(meta.get("classnames"), new TypeReference<List<String>>() {});
        try (Scope s = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null);
                FrozenBranch frozen = FrozenBranch.build(clip, names, 64, Progress.NONE)) {
            Map<String, Tensor> g = Golden.tensors(FILE);
            try (StreamPrompts p = StreamPrompts.of(PromptSrcPublished.METHOD, false, g, clip)) {
                assertThat(p.layout()).isEqualTo(StreamMethod.PROMPTSRC.published(clip.config()));
                assertThat(p.layout()).isEqualTo(new StreamLayout(List.of(4, 4, 4), List.of(4, 4, 4), false));
                ClassTexts texts = p.texts(clip, names, List.of());
                Tensor images = g.get("images");
                int[] labels = Arrays.stream(Tensors.toLongs(g.get("labels"))).mapToInt(x -> (int) x).toArray();
                SelfRegulation regime = MethodDefaults.of(PromptSrcPublished.METHOD).selfRegulation();
                assertThat(regime.textWeight()).isEqualTo(25f);
                assertThat(regime.imageWeight()).isEqualTo(10f);
                PromptLearner.Towers towers = p.towers(clip).orElseThrow();
                SelfRegulation.Batch b = SelfRegulation.terms(regime.loss(), frozen, clip, images, towers.image().apply(images),
                        towers.text().apply(texts), labels);
                report("image_features", Golden.maxAbsDiff(p.encodeImages(clip, images), g.get("image_features")), 1e-5f);
                report("text_features", Golden.maxAbsDiff(p.encodeText(clip, texts), g.get("text_features")), 1e-5f);
                report("logits", Golden.maxAbsDiff(b.logits(), g.get("logits")), 1e-5f);
                PromptSrcLoss.Terms t = b.terms();
                report("loss_ce", diff(t.ce(), g.get("loss_ce")), 1e-5f);
                report("loss_scl_text", diff(t.text(), g.get("loss_scl_text")), 1e-5f);
                report("loss_scl_image", diff(t.image(), g.get("loss_scl_image")), 1e-5f);
                report("loss_scl_logits", diff(t.logits(), g.get("loss_scl_logits")), 1e-5f);
                report("loss", diff(t.total(), g.get("loss")), 1e-5f);
                List<String> params = new ArrayList<>(p.parameters().keySet());
                List<Tensor> grads = Grads.of(t.total(), new ArrayList<>(p.parameters().values()));
                assertThat(params).containsExactlyInAnyOrderElementsOf(
                        g.keySet().stream().filter(k -> k.startsWith("grad.")).map(k -> k.substring(5)).toList());
                for (int i = 0; i < params.size(); i++) {
                    report("grad." + params.get(i) + " (rel)", Golden.maxRelDiff(grads.get(i), g.get("grad." + params.get(i))), 1e-4f);
                }
                // the train stage's own step: the text features through a TextPass (docs/design.md §6.11), then the same
                // terms; it hands its optimiser these gradients bit for bit in one text pass, and the official ones within
                // the same bound in class chunks (of 2 and 1 classes, one or two graphs kept)
                PromptTrainer trainer = new PromptTrainer(clip, MethodDefaults.of(PromptSrcPublished.METHOD), Progress.NONE, m -> {});
                Batch batch = batch(images, labels, names);
                for (TextChunks.Plan plan : List.of(TextChunks.plan(clip, texts), new TextChunks.Plan(2, 1), new TextChunks.Plan(2, 2))) {
                    CapturedGradients captured = new CapturedGradients();
                    float loss = trainer.step(p, texts, plan, null, frozen, batch, captured, 0f).loss();
                    boolean onePass = plan.chunk() >= names.size();
                    report("train step, " + plan + ": loss", Math.abs(loss - Tensors.item(g.get("loss"))), 1e-5f);
                    for (int i = 0; i < params.size(); i++) {
                        float[] got = captured.grads.get(i);
                        if (onePass) {
                            assertThat(got).as("train step in one text pass: grad.%s bit for bit", params.get(i))
                                    .usingElementComparator(PromptSrcParityTest::compareBits).containsExactly(Tensors.toFloats(grads.get(i)));
                        }
                        report("train step, " + plan + ": grad." + params.get(i) + " (rel)", Golden.maxRelDiff(
                                Tensors.floats(got, Tensors.shape(grads.get(i))), g.get("grad." + params.get(i))), 1e-4f);
                    }
                }
            }
            // the method's learner, as train builds it from the preset, has the same tensors
            try (var fresh = PromptLearners.init(PromptSrcPublished.METHOD,
                    org.dpl4j.prompts.Presets.resolve(PromptSrcPublished.METHOD, clip.config()), clip, 0.02f, 1)) {
                assertThat(fresh.parameters().keySet()).containsExactlyElementsOf(StreamPrompts.of(PromptSrcPublished.METHOD, false,
                        g, clip).parameters().keySet());
            }
        }
    }

    private static int compareBits(float a, float b) {
        return Integer.compare(Float.floatToRawIntBits(a), Float.floatToRawIntBits(b));
    }

    /** The golden images and labels as a loaded batch. */
    private static Batch batch(Tensor images, int[] labels, List<String> names) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            samples.add(new Sample(Path.of("golden-" + i), labels[i], names.get(labels[i])));
        }
        return new Batch(Tensors.toFloats(images), labels, samples);
    }

    private static float diff(Tensor a, Tensor b) {
        return Math.abs(Tensors.item(a) - Tensors.item(b));
    }

    private static void report(String tensor, float error, float bound) {
        System.out.printf("  %-60s %.2e%n", tensor, error);
        assertThat(error).as(tensor).isLessThanOrEqualTo(bound);
    }
}
