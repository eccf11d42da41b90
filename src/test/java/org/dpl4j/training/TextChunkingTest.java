package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.data.Sample;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.CoCoOp;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.PromptLearners;
import org.dpl4j.prompts.Presets;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.search.SearchSpace;
import org.dpl4j.search.SearchSpaces;
import org.dpl4j.search.Supernet;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Class-chunked text passes (docs/design.md §6.11) against the one-pass step, on a random tiny CLIP with
 * 7 classes of different text lengths: with one chunk the gradients (and so the updates) are bit-identical
 * to the plain step's; in chunks of at most 3 and 2 (classes regrouped by length, one or two chunks' graphs
 * kept, the others recomputed) within summation tolerance: 1e-5 relative per gradient tensor in fp32 (measured
 * ≤ 3.6e-6), 3e-2 in bf16, whose products round to bf16 per chunk shape (measured ≤ 8.4e-3, against
 * ≈5e-2 between bf16 and fp32 themselves, Bf16GradientTest). For the train stage's step
 * ({@link PromptTrainer#step}) of every method whose text does not depend on the image (DPL's key/value
 * layouts with and without distillation, CoOp, and the token-replacement methods MaPLe, IVLP, deep VPT and
 * PromptSRC with its self-regulating terms) against the one-pass loss as the learner computes it, and for
 * the search's alpha step (image chunks too) and prompt step of every search space (DPL's supernet and the
 * token-replacement supernet of MaPLe and of PromptSRC).
 */
class TextChunkingTest {
    private static final ClipConfig CFG = new ClipConfig(32, 32, 2, 64, 2, 8, 77, 49408, 64, 2, 3); // the real tokenizer's vocabulary
    /** Names of 1 to 5 words: texts of different lengths, so chunks regroup the classes. */
    private static final List<String> CLASSES = List.of("cat", "golden retriever", "a small red car", "dog",
            "the great white shark of the north", "tabby cat", "airplane");
    private static final double FP32_REL = 1e-5;
    private static final double BF16_REL = 3e-2;
    private static final TextChunks.Plan WHOLE = new TextChunks.Plan(CLASSES.size(), 1);
    /** Chunks of 3, 2, 2 classes with one graph kept; of 2, 2, 2, 1 with one and with two kept. */
    private static final List<TextChunks.Plan> CHUNKED = List.of(new TextChunks.Plan(3, 1), new TextChunks.Plan(2, 1),
            new TextChunks.Plan(2, 2));

    private static ClipModel clip(Precision p) {
        return ClipModel.placed(new ClipWeights(CFG, RandomWeights.create(CFG, 1), null, null), new Placement(DeviceSpec.CPU, p));
    }

    private static ClassTexts texts(ClassTexts t) {
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
        return IntStream.range(0, n).map(i -> (i * 3) % CLASSES.size()).toArray();
    }

    /** {@link #images} as a loaded batch. */
    private static Batch batch(int n) {
        int[] labels = labels(n);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(new Sample(Path.of("random-" + i), labels[i], CLASSES.get(labels[i])));
        }
        return new Batch(Tensors.toFloats(images(n)), labels, samples);
    }

    /** A searched-looking key/value layout: uneven lengths, a CoOp context, a block without prompts. */
    private static PromptConfig dplLayout() {
        return new PromptConfig(List.of(2, 0, 1), List.of(1, 2), 4);
    }

    /**
     * The train stage's step of {@code method} (a preset, or "dpl" for {@link #dplLayout}; "+distill" adds the
     * distillation term) from fresh prompts, against the one-pass loss of main before issue 24: the learner's
     * own logits (cross-entropy, distillation), or PromptSRC's terms on its two towers' features.
     */
    @ParameterizedTest
    @CsvSource({"dpl,FP32", "dpl,BF16", "dpl+distill,FP32", "coop,FP32", "coop,BF16", "maple,FP32", "maple,BF16", "ivlp,FP32",
            "vpt-deep,FP32", "promptsrc,FP32", "promptsrc,BF16"})
    void trainStep(String row, Precision precision) {
        String method = row.replace("+distill", "");
        boolean distill = row.endsWith("+distill");
        try (Scope root = Scope.open(); ClipModel clip = clip(precision)) {
            TrainSettings settings = MethodDefaults.of(method).toBuilder().distillWeight(distill ? 1f : 0f).build();
            PromptConfig layout = method.equals("dpl") ? dplLayout() : Presets.resolve(method, CFG);
            Tensor teacher = distill ? TrainJob.teacherText(clip, CLASSES, 8, Progress.NONE) : null;
            PromptTrainer trainer = new PromptTrainer(clip, settings, Progress.NONE, line -> {});
            Batch b = batch(4);
            try (FrozenBranch frozen = settings.selfRegulation() == null ? null : FrozenBranch.build(clip, CLASSES, 8, Progress.NONE);
                    PromptLearner prompts = PromptLearners.init(method, layout, clip, 0.02f, 5)) {
                ClassTexts texts = texts(prompts.texts(clip, CLASSES, List.of(CoCoOp.TEMPLATE)));
                Map<String, Tensor> params = prompts.parameters();
                Tensor images = Tensors.floats(b.pixels(), b.labels().length, 3, 32, 32);
                PromptLearner.Towers towers = prompts.towers(clip).orElseThrow();

                CapturedGradients plain = new CapturedGradients();
                float plainLoss = StepRunner.step(() -> {
                    if (frozen != null) {
                        return SelfRegulation.terms(settings.selfRegulation().loss(), frozen, clip, images,
                                towers.image().apply(images), towers.text().apply(texts), b.labels()).terms().total();
                    }
                    Tensor logits = prompts.logits(clip, images, texts);
                    Tensor l = Losses.crossEntropy(logits, b.labels());
                    return teacher == null ? l
                            : l.add(Tensors.mul(Losses.distillation(logits, PromptTrainer.teacherLogits(clip, images, teacher)),
                                    settings.distillWeight()));
                }, params, plain, 0f);
                Function<TextChunks.Plan, CapturedGradients> chunked = plan -> {
                    CapturedGradients g = new CapturedGradients();
                    float loss = trainer.step(prompts, texts, plan, teacher, frozen, b, g, 0f).loss();
                    if (plan.chunk() == CLASSES.size()) {
                        assertThat(loss).as("loss in one chunk").isEqualTo(plainLoss);
                    } else {
                        assertThat(loss).as("loss in chunks of %d", plan.chunk())
                                .isCloseTo(plainLoss, org.assertj.core.api.Assertions.within((float) (tolerance(precision) * plainLoss)));
                    }
                    return g;
                };
                compare(row + " train " + precision.label(), plain, chunked, params, precision);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"dpl,FP32", "dpl,BF16", "maple,FP32", "maple,BF16", "promptsrc,FP32", "promptsrc,BF16"})
    void searchAlphaStepWithImageChunks(String method, Precision precision) {
        try (Scope root = Scope.open(); ClipModel clip = clip(precision);
                SearchSpace net = SearchSpaces.init(method, clip, List.of(0, 1, 2), 2, AttentionMode.FUSED)) {
            ClassTexts texts = texts(net.texts(clip, CLASSES, CoCoOp.TEMPLATE));
            Tensor images = images(8);
            int[] labels = labels(8);
            Map<String, Tensor> params = net.alphaParameters();
            Function<TextChunks.Plan, CapturedGradients> step = chunk -> {
                CapturedGradients g = new CapturedGradients();
                StepRunner.chunkedStep(new TextPass(texts, t -> net.textFeatures(clip, t), chunk),
                        (txt, from, to) -> Losses.crossEntropy(clip.logits(net.imageFeatures(clip, images.narrow(0, from, to - from)),
                                txt), Arrays.copyOfRange(labels, from, to)), labels.length, 3, params, g, 0f);
                return g;
            };
            // the reference: the whole batch in one graph; image chunks sum in another order, so even one text chunk is
            // compared within tolerance here, and the text chunks against that one text chunk
            CapturedGradients plain = new CapturedGradients();
            StepRunner.step(() -> Losses.crossEntropy(clip.logits(net.imageFeatures(clip, images), net.textFeatures(clip, texts)),
                    labels), params, plain, 0f);
            double oneChunk = worstRel(plain, step.apply(WHOLE), params);
            System.out.printf("%s alpha step %s: image chunks vs one pass: worst gradient rel %.3e%n", method, precision.label(),
                    oneChunk);
            assertThat(oneChunk).isLessThan(tolerance(precision));
            compare(method + " alpha " + precision.label(), step.apply(WHOLE), step, params, precision);
        }
    }

    @ParameterizedTest
    @CsvSource({"dpl,FP32", "dpl,BF16", "maple,FP32", "maple,BF16", "promptsrc,FP32", "promptsrc,BF16"})
    void searchPromptStep(String method, Precision precision) {
        try (Scope root = Scope.open(); ClipModel clip = clip(precision);
                SearchSpace net = SearchSpaces.init(method, clip, List.of(0, 1, 2), 2, AttentionMode.FUSED)) {
            ClassTexts texts = texts(net.texts(clip, CLASSES, CoCoOp.TEMPLATE));
            Tensor images = images(4);
            int[] labels = labels(4);
            Map<String, Tensor> params = net.promptParameters();
            CapturedGradients plain = new CapturedGradients();
            StepRunner.step(() -> Losses.crossEntropy(clip.logits(net.imageFeatures(clip, images), net.textFeatures(clip, texts)),
                    labels), params, plain, 0f);
            compare(method + " prompt " + precision.label(), plain, chunk -> {
                CapturedGradients g = new CapturedGradients();
                StepRunner.step(new TextPass(texts, t -> net.textFeatures(clip, t), chunk),
                        txt -> Losses.crossEntropy(clip.logits(net.imageFeatures(clip, images), txt), labels), params, g, 0f);
                return g;
            }, params, precision);
        }
    }

    /**
     * One chunk of all classes: bit for bit {@code plain}; chunks of 3 and 2: within the tolerance. Gradients
     * a text side outside autograd leaves at zero (deep VPT has no text prompts) must be zero in both.
     */
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
                NoGrad g = NoGrad.open()) {
            ClassTexts texts = texts(net.texts(clip, CLASSES, CoCoOp.TEMPLATE));
            assertThat(texts.select(IntStream.range(0, CLASSES.size()).toArray())).isSameAs(texts);
            Tensor all = net.textFeatures(clip, texts);
            int[] rows = {5, 1, 2, 3};
            ClassTexts selected = texts.select(rows);
            assertThat(selected.classNames()).containsExactly("tabby cat", "golden retriever", "a small red car", "dog");
            assertThat(selected.eot()).containsExactly(texts.eot()[5], texts.eot()[1], texts.eot()[2], texts.eot()[3]);
            Tensor part = net.textFeatures(clip, selected);
            Tensor want = Tensors.rows(all, Tensors.longs(new long[] {5, 1, 2, 3}, 4));
            float worst = Tensors.item(part.sub(want).abs().max());
            System.out.printf("a selection's features vs the whole set's rows: worst abs %.3e%n", worst);
            assertThat(worst).isLessThan(1e-5f);
        }
    }

    @Test
    void plansFitTheBudget() {
        try (Scope root = Scope.open(); ClipModel clip = clip(Precision.FP32)) {
            ClassTexts texts = texts(ClassTexts.build(clip, CLASSES, List.of(CoCoOp.TEMPLATE)));
            int tokens = Arrays.stream(texts.eot()).max().getAsInt() + 1;
            long perClass = TextChunks.bytesPerClass(CFG, tokens);
            int n = CLASSES.size();
            assertThat(TextChunks.plan(CFG, texts, n * perClass, perClass)).as("all classes fit: one pass")
                    .isEqualTo(new TextChunks.Plan(n, 1));
            assertThat(TextChunks.plan(CFG, texts, 6 * perClass, 2 * perClass)).isEqualTo(new TextChunks.Plan(2, 3));
            assertThat(TextChunks.plan(CFG, texts, 6 * perClass - 1, 2 * perClass)).isEqualTo(new TextChunks.Plan(2, 2));
            assertThat(TextChunks.plan(CFG, texts, 3 * perClass, 5 * perClass)).as("a pass within the budget")
                    .isEqualTo(new TextChunks.Plan(3, 1));
            assertThat(TextChunks.plan(CFG, texts, 1, 1)).as("at least one class, one kept").isEqualTo(new TextChunks.Plan(1, 1));
            assertThat(TextChunks.plan(clip, texts)).as("the CPU budget holds this tiny model's classes")
                    .isEqualTo(new TextChunks.Plan(n, 1));
        }
    }
}
