package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.DataSpec;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.model.text.ClipTokenizer;
import org.dpl4j.prompts.Templates;
import org.dpl4j.prompts.ZeroShotBaseline;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-shot baselines are zero-shot CLIP (golden tiny CLIP, the golden zero-shot images): the
 * {@code zeroshot} logits are CLIP's own cosines with the text features of CoOp's hand-crafted
 * template of the dataset, and {@code zeroshot-ensemble}'s class features the normalised mean of
 * the 60 templates' normalised text features; both computed here straight through the encoders.
 */
class ZeroShotJobTest {
    static final float TOL = 1e-5f;

    static ClipModel clip;
    static ZeroShotJob job;
    static float[] pixels;
    static int images;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null);
        job = new ZeroShotJob(clip, Shared.require("golden/tiny-clip"), Progress.NONE, line -> {});
        try (Scope s = Scope.open()) {
            Tensor g = Golden.tensors("zeroshot.safetensors").get("images");
            pixels = Tensors.toFloats(g);
            images = (int) g.size(0);
        }
    }

    @AfterAll
    static void close() {
        // null when the shared data is absent and the set-up skipped the class
        if (clip != null) {
            clip.close();
        }
    }

    /** CLIP's text features of {@code texts}, unnormalised, through the tokenizer and the plain text encoder. */
    static Tensor textFeatures(List<String> texts) {
        return clip.text().encode(ClipTokenizer.load().tokenize(texts, clip.config().contextLength()), BlockAttention.PLAIN);
    }

    /** {@code exp(logit_scale) · cos(image, class)} of the golden images against {@code classFeatures}. */
    static Tensor clipLogits(Tensor classFeatures) {
        Tensor x = Tensors.floats(pixels, clip.device(), images, 3, clip.config().imageResolution(),
                clip.config().imageResolution());
        return clip.logits(clip.image().encode(x, BlockAttention.PLAIN), classFeatures);
    }

    private static void assertHandcrafted(String dataset, List<String> classes, List<String> prompts) throws IOException {
        try (Scope s = Scope.open();
                ZeroShotClassifier z = job.classifier(ZeroShotBaseline.HANDCRAFTED, dataset, classes, 2)) {
            Tensor expected = clipLogits(textFeatures(prompts));
            Tensor logits = z.logits(pixels, images);
            assertThat(Shape.of(logits).dims()).containsExactly(images, classes.size());
            assertThat(Golden.maxAbsDiff(logits, expected)).as(dataset).isLessThanOrEqualTo(1e-4f);
            assertThat(Golden.maxAbsDiff(z.classFeatures(), ClipModel.normalize(textFeatures(prompts))))
                    .as(dataset).isLessThanOrEqualTo(TOL);
        }
    }

    @Test
    void zeroshotLogitsAreClipsCosinesWithTheHandCraftedTemplate() throws IOException {
        // CoOp's zsclip.py: DescribableTextures "{} texture.", OxfordPets "a photo of a {}, a type of pet."
        assertHandcrafted("DescribableTextures", List.of("banded", "blotchy", "chequered"),
                List.of("banded texture.", "blotchy texture.", "chequered texture."));
        assertHandcrafted("OxfordPets", List.of("abyssinian", "american_bulldog", "bengal"),
                List.of("a photo of a abyssinian, a type of pet.", "a photo of a american bulldog, a type of pet.",
                        "a photo of a bengal, a type of pet."));
        // an image folder has no hand-crafted template: CLIP's standard prompt
        assertHandcrafted("fashion_mnist", List.of("sandal", "shirt"), List.of("a photo of a sandal.", "a photo of a shirt."));
    }

    @Test
    void ensembleIsTheNormalisedMeanOfEveryTemplatesNormalisedFeatures() throws IOException {
        List<String> classes = List.of("banded", "golden_retriever", "red car");
        try (Scope s = Scope.open();
                ZeroShotClassifier z = job.classifier(ZeroShotBaseline.ENSEMBLE, "DescribableTextures", classes, 7)) {
            // one text per (template, class), template-major; each template's (C, E) block normalised row by row
            List<String> texts = Templates.ENSEMBLE.stream()
                    .flatMap(t -> classes.stream().map(c -> t.replace("{}", c.replace('_', ' ')))).toList();
            Tensor unit = ClipModel.normalize(textFeatures(texts)).reshape(60, classes.size(), -1);
            Tensor sum = unit.select(0, 0);
            for (int t = 1; t < 60; t++) {
                sum = sum.add(unit.select(0, t));
            }
            Tensor expected = ClipModel.normalize(org.dpl4j.tensor.Tensors.div(sum, 60));
            assertThat(Templates.ENSEMBLE).hasSize(60);
            assertThat(Golden.maxAbsDiff(z.classFeatures(), expected)).isLessThanOrEqualTo(TOL);
            assertThat(Golden.maxAbsDiff(z.logits(pixels, images), clipLogits(expected))).isLessThanOrEqualTo(1e-4f);
        }
    }

    /**
     * In bf16 the zero-shot class features are fp32 CLIP's, bit for bit (the weights are read again in fp32
     * for the text pass), while the images still go through the bf16 model: issue 24's finding that bf16's
     * text tower alone moved the zero-shot column (docs/design.md, "Precision").
     */
    @Test
    void inBf16TheClassFeaturesAreFp32sAndTheImagesBf16s() throws IOException {
        Path model = Shared.require("golden/tiny-clip");
        List<String> classes = List.of("banded", "blotchy", "chequered");
        try (Scope s = Scope.open();
                ClipModel bf16 = ClipLoader.load(model, null, new Placement(DeviceSpec.CPU, Precision.BF16));
                ZeroShotClassifier fp32 = job.classifier(ZeroShotBaseline.HANDCRAFTED, "DescribableTextures", classes, 2);
                ZeroShotClassifier low = new ZeroShotJob(bf16, model, Progress.NONE, line -> {})
                        .classifier(ZeroShotBaseline.HANDCRAFTED, "DescribableTextures", classes, 2)) {
            assertThat(Golden.maxAbsDiff(low.classFeatures(), fp32.classFeatures())).isZero();
            float logits = Golden.maxAbsDiff(low.logits(pixels, images), fp32.logits(pixels, images));
            System.out.printf("bf16 zero-shot, fp32 class features: logits differ from fp32's by %.4f%n", logits);
            assertThat(logits).as("the images go through the bf16 model").isPositive();
        }
    }

    @Test
    void aTrainRunOfTheSameNameIsRefusedNotReused() throws IOException {
        // what `dpl4j run` left in <out>/<dataset>/seed<S>/zeroshot before zero-shot had runs of its own
        Path dir = Files.createDirectories(tmp.resolve("zeroshot"));
        Files.writeString(dir.resolve(RunDirectory.RUN), "{\"kind\":\"train\",\"method\":\"zeroshot\"}");
        Files.writeString(dir.resolve(RunDirectory.FINAL), "{\"test\":{\"top1\":7.5}}");
        DataSpec spec = new DataSpec("oxford_pets", Path.of("demo-data"), 2, 1, "all");
        assertThatThrownBy(() -> job.run(ZeroShotBaseline.HANDCRAFTED, "zeroshot", spec, 8,
                org.dpl4j.data.BadSamplePolicy.FAIL, new RunDirectory(dir), "test"))
                .isInstanceOf(IOException.class)
                .hasMessage(dir.resolve(RunDirectory.RUN) + " records a train run, not a zero-shot run; use another output folder");
    }
}
