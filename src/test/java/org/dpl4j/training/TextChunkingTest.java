package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.model.TextEncoder;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.search.SearchSpace;
import org.dpl4j.search.SearchSpaces;
import org.dpl4j.search.Supernet;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Class-chunked text passes (docs/design.md §6.11) against the one-pass step, on a random tiny CLIP with
 * 7 classes of different text lengths: with one chunk the gradients (and so the updates) are bit-identical
 * to the plain step's; in chunks of at most 3 and 2 (classes regrouped by length, one or two chunks' graphs
 * kept, the others recomputed) within summation tolerance: 1e-5 relative per gradient tensor in fp32 (measured
 * ≤ 3.8e-6), 2e-2 in bf16, whose products round to bf16 per chunk shape (measured ≤ 5.9e-3, against
 * ≈5e-2 between bf16 and fp32 themselves, Bf16GradientTest). For the train step (DeepPrompts with a CoOp
 * context and deep prompts), and the search's alpha step (image chunks too) and prompt step of DPL's supernet
 * and of MaPLe's.
 */
class TextChunkingTest {
    private static final ClipConfig CFG = new ClipConfig(32, 32, 2, 64, 2, 8, 77, 49408, 64, 2, 3); // MaPLe tokenizes its context words
    private static final int CLASSES = 7;
    private static final double FP32_REL = 1e-5;
    private static final double BF16_REL = 3e-2;
    private static final TextChunks.Plan WHOLE = new TextChunks.Plan(CLASSES, 1);
    /** Chunks of 3, 2, 2 classes with one graph kept; of 2, 2, 2, 1 with one and with two kept. */
    private static final List<TextChunks.Plan> CHUNKED = List.of(new TextChunks.Plan(3, 1), new TextChunks.Plan(2, 1),
            new TextChunks.Plan(2, 2));

    private static ClipModel clip(Precision p) {
        return RandomWeights.model(CFG, 1, new Placement(DeviceSpec.CPU, p));
    }

    /** Classes of 4 to 10 positions up to the EOT (MaPLe replaces positions 1 and 2 by its context). */
    private static ClassTexts texts(ClipModel clip) {
        Random r = new Random(3);
        long[][] tokens = new long[CLASSES][CFG.contextLength()];
        for (int i = 0; i < CLASSES; i++) {
            int eot = 3 + r.nextInt(7);
            tokens[i][0] = CFG.vocabSize() - 2;
            for (int j = 1; j < eot; j++) {
                tokens[i][j] = 1 + r.nextInt(CFG.vocabSize() - 3);
            }
            tokens[i][eot] = CFG.vocabSize() - 1;
        }
        List<String> names = IntStream.range(0, CLASSES).mapToObj(i -> "class " + i).toList();
        ClassTexts t = new ClassTexts(names, clip.text().embed(tokens), TextEncoder.eotIndices(tokens));
        assertThat(Arrays.stream(t.eot()).distinct().count()).as("text lengths differ, so chunks are regrouped").isGreaterThan(2);
        return t;
    }

    private static Tensor images(int n) {
        Random r = new Random(7);
        float[] v = new float[n * 3 * 32 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensors.floats(v, n, 3, 32, 32);
    }

    private static int[] labels(int n) {
        return IntStream.range(0, n).map(i -> (i * 3) % CLASSES).toArray();
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void trainStep(Precision precision) {
        try (Scope root = Scope.open(); ClipModel clip = clip(precision)) {
            PromptConfig cfg = new PromptConfig(List.of(2, 0, 1), List.of(1, 2), 4);
            try (DeepPrompts prompts = DeepPrompts.init(cfg, clip, 0.02f, 5)) {
                ClassTexts texts = texts(clip);
                Tensor images = images(4);
                int[] labels = labels(4);
                Map<String, Tensor> params = prompts.parameters();
                PromptLearner.Towers towers = prompts.towers(clip);

                CapturedGradients plain = new CapturedGradients();
                float plainLoss = StepRunner.step(() -> Losses.crossEntropy(prompts.logits(clip, images, texts), labels), params,
                        plain, 0f);
                Function<TextChunks.Plan, CapturedGradients> chunked = chunk -> {
                    CapturedGradients g = new CapturedGradients();
                    float loss = StepRunner.step(new TextPass(texts, towers::text, chunk),
                            txt -> Losses.crossEntropy(clip.logits(towers.image(images), txt), labels), params, g, 0f);
                    if (chunk.chunk() == CLASSES) {
                        assertThat(loss).as("loss in one chunk").isEqualTo(plainLoss);
                    } else {
                        assertThat(loss).as("loss in chunks of %d", chunk)
                                .isCloseTo(plainLoss, org.assertj.core.api.Assertions.within((float) (tolerance(precision) * plainLoss)));
                    }
                    return g;
                };
                compare("train " + precision.label(), plain, chunked, params, precision);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"dpl,FP32", "dpl,BF16", "maple,FP32", "maple,BF16"})
    void searchAlphaStepWithImageChunks(String method, Precision precision) {
        try (Scope root = Scope.open(); ClipModel clip = clip(precision);
                SearchSpace net = SearchSpaces.init(method, clip, List.of(0, 1, 2), 2)) {
            ClassTexts texts = texts(clip);
            Tensor images = images(8);
            int[] labels = labels(8);
            Map<String, Tensor> params = net.alphaParameters();
            Function<TextChunks.Plan, CapturedGradients> step = chunk -> {
                CapturedGradients g = new CapturedGradients();
                StepRunner.chunkedStep(new TextPass(texts, t -> net.textFeatures(clip, t, AttentionMode.FUSED), chunk),
                        (txt, from, to) -> Losses.crossEntropy(clip.logits(net.imageFeatures(clip, images.narrow(0, from, to - from),
                                AttentionMode.FUSED), txt), Arrays.copyOfRange(labels, from, to)), labels.length, 3, params, g, 0f);
                return g;
            };
            // the reference: the whole batch in one graph; image chunks sum in another order, so even one text chunk is
            // compared within tolerance here, and the text chunks against that one text chunk
            CapturedGradients plain = new CapturedGradients();
            StepRunner.step(() -> Losses.crossEntropy(clip.logits(net.imageFeatures(clip, images, AttentionMode.FUSED),
                    net.textFeatures(clip, texts, AttentionMode.FUSED)), labels), params, plain, 0f);
            double oneChunk = worstRel(plain, step.apply(WHOLE), params);
            System.out.printf("%s alpha step %s: image chunks vs one pass: worst gradient rel %.3e%n", method, precision.label(),
                    oneChunk);
            assertThat(oneChunk).isLessThan(tolerance(precision));
            compare(method + " alpha " + precision.label(), step.apply(WHOLE), step, params, precision);
        }
    }

    @ParameterizedTest
    @CsvSource({"dpl,FP32", "dpl,BF16", "maple,FP32", "maple,BF16"})
    void searchPromptStep(String method, Precision precision) {
        try (Scope root = Scope.open(); ClipModel clip = clip(precision);
                SearchSpace net = SearchSpaces.init(method, clip, List.of(0, 1, 2), 2)) {
            ClassTexts texts = texts(clip);
            Tensor images = images(4);
            int[] labels = labels(4);
            Map<String, Tensor> params = net.promptParameters();
            CapturedGradients plain = new CapturedGradients();
            StepRunner.step(() -> Losses.crossEntropy(clip.logits(net.imageFeatures(clip, images, AttentionMode.FUSED),
                    net.textFeatures(clip, texts, AttentionMode.FUSED)), labels), params, plain, 0f);
            compare(method + " prompt " + precision.label(), plain, chunk -> {
                CapturedGradients g = new CapturedGradients();
                StepRunner.step(new TextPass(texts, t -> net.textFeatures(clip, t, AttentionMode.FUSED), chunk),
                        txt -> Losses.crossEntropy(clip.logits(net.imageFeatures(clip, images, AttentionMode.FUSED), txt), labels),
                        params, g, 0f);
                return g;
            }, params, precision);
        }
    }

    /** One chunk of all classes: bit for bit {@code plain}; chunks of 3 and 2: within the tolerance. */
    private static void compare(String what, CapturedGradients plain, Function<TextChunks.Plan, CapturedGradients> chunked,
            Map<String, Tensor> params, Precision precision) {
        CapturedGradients whole = chunked.apply(WHOLE);
        assertThat(whole.grads).hasSameSizeAs(plain.grads).hasSameSizeAs(params.keySet());
        List<String> names = new ArrayList<>(params.keySet());
        for (int i = 0; i < plain.grads.size(); i++) {
            assertThat(bits(whole.grads.get(i))).as("%s: one text chunk, gradient of %s bit for bit", what, names.get(i))
                    .containsExactly(bits(plain.grads.get(i)));
        }
        for (TextChunks.Plan plan : CHUNKED) {
            double worst = worstRel(plain, chunked.apply(plan), params);
            System.out.printf("%s: text chunks of %d, %d kept, vs one pass: worst gradient rel %.3e%n", what, plan.chunk(), plan.keep(),
                    worst);
            assertThat(worst).as("%s: %s, worst relative gradient error", what, plan).isLessThan(tolerance(precision));
        }
    }

    private static double tolerance(Precision p) {
        return p == Precision.FP32 ? FP32_REL : BF16_REL;
    }

    /** The worst over tensors of ||b − a|| / ||a||; every reference gradient must be nonzero. */
    private static double worstRel(CapturedGradients a, CapturedGradients b, Map<String, Tensor> params) {
        List<String> names = new ArrayList<>(params.keySet());
        double worst = 0;
        for (int i = 0; i < a.grads.size(); i++) {
            float[] x = a.grads.get(i);
            float[] y = b.grads.get(i);
            double num = 0;
            double den = 0;
            for (int j = 0; j < x.length; j++) {
                assertThat(x[j]).as("reference gradient of %s[%d]", names.get(i), j).isFinite();
                num += (x[j] - y[j]) * (double) (x[j] - y[j]);
                den += x[j] * (double) x[j];
            }
            assertThat(den).as("reference gradient of %s is all zero", names.get(i)).isPositive();
            worst = Math.max(worst, Math.sqrt(num / den));
        }
        return worst;
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    @Test
    void aSelectionsFeaturesAreItsRowsOfTheWholeSets() {
        try (Scope root = Scope.open(); ClipModel clip = clip(Precision.FP32); Supernet net = Supernet.init(clip, List.of(0, 1, 2), 2);
                NoGradGuard g = new NoGradGuard()) {
            ClassTexts texts = texts(clip);
            assertThat(texts.select(IntStream.range(0, CLASSES).toArray())).isSameAs(texts);
            Tensor all = net.textFeatures(clip, texts, AttentionMode.FUSED);
            int[] rows = {5, 1, 3};
            Tensor part = net.textFeatures(clip, texts.select(rows), AttentionMode.FUSED);
            Tensor want = all.index_select(0, Tensors.longs(new long[] {5, 1, 3}, 3));
            float worst = Tensors.item(part.sub(want).abs().max());
            System.out.printf("a selection's features vs the whole set's rows: worst abs %.3e%n", worst);
            assertThat(worst).isLessThan(1e-5f);
        }
    }

    @Test
    void plansFitTheBudget() {
        try (Scope root = Scope.open(); ClipModel clip = clip(Precision.FP32)) {
            ClassTexts texts = texts(clip);
            int tokens = Arrays.stream(texts.eot()).max().getAsInt() + 1;
            long perClass = TextChunks.bytesPerClass(CFG, tokens);
            assertThat(TextChunks.plan(CFG, texts, CLASSES * perClass, perClass)).as("all classes fit: one pass")
                    .isEqualTo(new TextChunks.Plan(CLASSES, 1));
            assertThat(TextChunks.plan(CFG, texts, 6 * perClass, 2 * perClass)).isEqualTo(new TextChunks.Plan(2, 3));
            assertThat(TextChunks.plan(CFG, texts, 6 * perClass - 1, 2 * perClass)).isEqualTo(new TextChunks.Plan(2, 2));
            assertThat(TextChunks.plan(CFG, texts, 3 * perClass, 5 * perClass)).as("a pass within the budget")
                    .isEqualTo(new TextChunks.Plan(3, 1));
            assertThat(TextChunks.plan(CFG, texts, 1, 1)).as("at least one class, one kept").isEqualTo(new TextChunks.Plan(1, 1));
            assertThat(TextChunks.plan(clip, texts)).as("the CPU budget holds this tiny model's classes")
                    .isEqualTo(new TextChunks.Plan(CLASSES, 1));
        }
    }
}
