package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.data.Sample;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.PromptLearners;
import org.dpl4j.prompts.Presets;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.training.PromptTrainer;
import org.dpl4j.training.TextChunks;
import org.dpl4j.training.FrozenBranch;
import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.TrainJob;
import org.dpl4j.training.TrainSettings;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;
import org.dpl4j.util.Progress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method's search step and train step (forward, backward, optimiser update), run by the very
 * code the search and train stages run ({@link BilevelSearch#bilevelStep}, {@link PromptTrainer#step}),
 * with the model, the learnable tensors, the batches and the optimiser state on libtorch's
 * {@code meta} device, in fp32 and bf16. Meta tensors carry shapes but no data, and libtorch refuses an
 * element-wise operation, reduction or indexing that mixes them with CPU tensors: a tensor made on
 * the CPU by mistake fails here with libtorch's own error ("Expected all tensors to be on the same
 * device, but found at least two devices, meta and cpu!"), as it would on a GPU, which we do not
 * have. The step's reads of the loss, gradient finiteness and hits ({@code training.StepReads}) are
 * the only part that does not run on meta.
 *
 * <p>Every step runs twice: with the classes through the text encoder as search and train plan it
 * ({@link TextChunks#plan}: these 3 classes in one pass), and in class chunks of at most 2 with one
 * chunk's graph kept and the other recomputed for its backward (docs/design.md §6.11), which selects
 * and reorders classes; the plan is made on the host from sizes alone, no tensor of the step is read.
 *
 * <p>libtorch's meta kernels of {@code matmul}/{@code mm}/{@code bmm} and {@code cat} do not compare
 * devices (a CPU operand gives a meta result), so a CPU tensor that only ever meets those goes unseen
 * here; {@code DevicePlumbingTest} scans the compute code for tensors made without a device.
 *
 * <p>A method is added with one row in {@link #methods()}: {@code search(name)} for a
 * {@link SearchSpaces} method, {@code train(name)} for a {@link PromptLearners} method or preset.
 */
class MetaDeviceStepsTest {
    /** A small random CLIP: 3 blocks per tower, 32-pixel images in 16 patches, the real tokenizer's vocabulary. */
    static final ClipConfig TINY = new ClipConfig(32, 32, 3, 64, 2, 8, 77, 49408, 64, 2, 3);
    static final List<String> CLASSES = List.of("cat", "dog", "tabby cat");

    enum Stage { SEARCH, TRAIN }

    /**
     * One method's step. {@code layout} gives a train row's prompt layout for the model (null:
     * the preset of that name); {@code distill} adds the distillation term to the train loss.
     */
    record Method(String name, Stage stage, Function<ClipConfig, PromptConfig> layout, boolean distill) {
        static Method search(String name) {
            return new Method(name, Stage.SEARCH, null, false);
        }

        static Method train(String name) {
            return new Method(name, Stage.TRAIN, null, false);
        }

        static Method train(String name, Function<ClipConfig, PromptConfig> layout) {
            return new Method(name, Stage.TRAIN, layout, false);
        }

        Method distilled() {
            return new Method(name, stage, layout, true);
        }

        PromptConfig config(ClipConfig c) {
            return layout != null ? layout.apply(c) : Presets.resolve(name, c);
        }

        @Override
        public String toString() {
            return stage.name().toLowerCase() + " " + name + (distill ? " + distillation" : "");
        }
    }

    /** A layout as a search derives it: uneven lengths, some blocks without prompts. */
    static PromptConfig searched(ClipConfig c) {
        List<Integer> text = new ArrayList<>();
        List<Integer> image = new ArrayList<>();
        for (int l = 0; l < c.textLayers(); l++) {
            text.add(List.of(2, 0, 1).get(l % 3));
        }
        for (int l = 0; l < c.visionLayers(); l++) {
            image.add(List.of(1, 2, 0).get(l % 3));
        }
        return new PromptConfig(text, image);
    }

    static List<Method> methods() {
        return List.of(
                Method.search("dpl"), // DPL's supernet
                Method.search("maple"), // the MaPLe supernet (DPL-MaPLe)
                Method.search("promptsrc"), // the PromptSRC supernet (DPL-PromptSRC)
                Method.train("dpl", MetaDeviceStepsTest::searched), // DPL's subnet: DeepPrompts of a searched layout
                Method.train("dpl", MetaDeviceStepsTest::searched).distilled(),
                Method.train("coop"),
                Method.train("cocoop"),
                Method.train("maple"),
                Method.train("ivlp"),
                Method.train("vpt-deep"),
                Method.train("promptsrc"), // its loss terms against the frozen branch
                Method.train("uniform-2")); // a key/value preset
    }

    /** How a row takes the classes through the text encoder. */
    enum Text {
        /** As {@link TextChunks#plan} plans them (one pass here). */
        PLANNED,
        /** In chunks of at most 2 classes, one chunk's graph kept, the other recomputed. */
        CHUNKED;

        TextChunks.Plan plan(ClipModel clip, ClassTexts texts) {
            return this == PLANNED ? TextChunks.plan(clip, texts) : new TextChunks.Plan(2, 1);
        }

        @Override
        public String toString() {
            return this == PLANNED ? "text as planned" : "text in class chunks";
        }
    }

    static Stream<Arguments> rows() {
        return methods().stream().flatMap(m -> Stream.of(Precision.FP32, Precision.BF16)
                .flatMap(p -> Stream.of(Text.values()).map(t -> Arguments.of(m, p, t))));
    }

    @ParameterizedTest(name = "{0} in {1}, {2}")
    @MethodSource("rows")
    void stepRunsOnTheMetaDevice(Method method, Precision precision, Text text) {
        try (Scope s = Scope.open()) {
            run(new ClipWeights(TINY, RandomWeights.create(TINY, 1), null, null), method, precision, 2, text);
        }
    }

    /**
     * The same steps at ViT-B/16's dimensions, which cost nothing on meta: there the alpha step takes
     * its val batch of 16 in chunks of {@link AlphaChunks#size} (4), each back-propagated down to the
     * class text features, whose summed gradient then goes through the text encoder, in class chunks too.
     */
    @ParameterizedTest(name = "{0} at ViT-B/16 dimensions, text in class chunks")
    @MethodSource("methods")
    void stepRunsOnTheMetaDeviceAtVitB16Dimensions(Method method) {
        ClipConfig b16 = ClipConfig.vitB16();
        assertThat(AlphaChunks.size(b16, 16)).isLessThan(16);
        try (Scope s = Scope.open()) {
            run(new ClipWeights(b16, metaWeights(b16), null, null), method, Precision.FP32, 16, Text.CHUNKED);
        }
    }

    /** Weights of {@code c}'s shapes on meta (no data, no memory), the logit scale a CPU value as a file would give it. */
    static Map<String, Tensor> metaWeights(ClipConfig c) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        org.bytedeco.pytorch.TensorOptions meta = org.dpl4j.tensor.Tensors.fp32(DeviceSpec.META.device());
        org.dpl4j.model.WeightSchema.expected(c).forEach((name, shape) -> out.put(name, name.equals("logit_scale")
                ? org.dpl4j.tensor.Tensors.floats(new float[] {(float) Math.log(100)})
                : org.bytedeco.pytorch.global.torch.empty(shape.dims(), meta, new org.bytedeco.pytorch.MemoryFormatOptional())));
        return out;
    }

    private static void run(ClipWeights weights, Method method, Precision precision, int valBatch, Text text) {
        Placement meta = new Placement(DeviceSpec.META, precision);
        try (ClipModel clip = ClipModel.placed(weights, meta)) {
            assertThat(DeviceSpec.of(clip.weights().get("visual.proj").device())).isEqualTo(DeviceSpec.META);
            List<Map<String, Tensor>> state;
            try {
                state = method.stage() == Stage.SEARCH ? searchStep(clip, method, valBatch, text) : trainStep(clip, method, text);
            } catch (RuntimeException e) { // libtorch's error, its first line prefixed with the row
                throw new AssertionError(method + " in " + precision.label() + ", " + text + ": "
                        + e.getMessage().strip().split("\n")[0], e);
            }
            assertThat(state).allSatisfy(m -> assertThat(m).isNotEmpty());
            List<String> off = new ArrayList<>();
            for (Map<String, Tensor> m : state) {
                m.forEach((k, t) -> {
                    if (!k.startsWith("t.") && !t.device().is_meta()) { // Adam's step counters are host values
                        off.add(k + " on " + DeviceSpec.of(t.device()));
                    }
                });
            }
            assertThat(off).as("learnable tensors and optimiser state after the step").isEmpty();
        }
    }

    /** One bilevel step (alpha step on a val batch, prompt step on a train batch); the parameters and both optimisers' state after it. */
    private static List<Map<String, Tensor>> searchStep(ClipModel clip, Method m, int valBatch, Text text) {
        SearchSettings settings = SearchSettings.defaults().toBuilder().candidates(List.of(0, 1, 2)).build();
        BilevelSearch search = new BilevelSearch(clip, settings, m.name(), Progress.NONE, line -> {});
        try (SearchSpace net = SearchSpaces.init(m.name(), clip, settings.candidates(), 1, settings.attention());
                Adam adam = new Adam(settings.alphaBeta1(), settings.alphaBeta2(), 1e-8f, 0f, false);
                Sgd sgd = settings.sgd().optimizer()) {
            ClassTexts texts = net.texts(clip, CLASSES, settings.template());
            search.bilevelStep(net, texts, text.plan(clip, texts), batch(clip, valBatch), batch(clip, 3), adam, sgd, 0.01f);
            return List.of(net.alphaParameters(), net.promptParameters(), adam.state(), sgd.state());
        }
    }

    /**
     * One train step with the method's own settings ({@link MethodDefaults}: PromptSRC's loss terms against its
     * frozen branch); the learner's parameters and the optimiser's state after it.
     */
    private static List<Map<String, Tensor>> trainStep(ClipModel clip, Method m, Text text) {
        TrainSettings settings = MethodDefaults.of(m.name()).toBuilder().distillWeight(m.distill() ? 1f : 0f).build();
        PromptTrainer trainer = new PromptTrainer(clip, settings, Progress.NONE, line -> {});
        try (PromptLearner prompts = PromptLearners.init(m.name(), m.config(clip.config()), clip, 0.02f, 1);
                Sgd sgd = settings.sgd().optimizer();
                FrozenBranch frozen = settings.selfRegulation() == null ? null : FrozenBranch.build(clip, CLASSES, 8, Progress.NONE)) {
            ClassTexts texts = prompts.texts(clip, CLASSES, List.of("a photo of a {}."));
            Tensor teacher = m.distill() ? TrainJob.teacherText(clip, CLASSES, 8, Progress.NONE) : null;
            trainer.step(prompts, texts, text.plan(clip, texts), teacher, frozen, batch(clip, 2), sgd, 0.01f);
            return List.of(prompts.parameters(), sgd.state());
        }
    }

    /** {@code n} images of zeros, labels 0, 1, 2, ... (their values never matter on meta). */
    private static Batch batch(ClipModel clip, int n) {
        int r = clip.config().imageResolution();
        List<Sample> samples = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES.size();
            samples.add(new Sample(Path.of("/meta/" + i + ".png"), labels[i], CLASSES.get(labels[i])));
        }
        return new Batch(new float[n * 3 * r * r], labels, samples);
    }
}
