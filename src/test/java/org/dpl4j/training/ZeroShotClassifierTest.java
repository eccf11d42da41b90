package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.Templates;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.RandomClip;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The zero-shot head is CLIP's feature-space template ensemble, computed in chunks. */
class ZeroShotClassifierTest {
    static final ClipConfig CFG = new ClipConfig(32, 32, 3, 64, 2, 8, 77, 49408, 64, 2, 3);
    static final List<String> CLASSES = List.of("cat", "golden_retriever", "red car");
    static final List<String> TEMPLATES = List.of("a photo of a {}.", "a blurry sketch of the big {}, seen from afar.");
    static final float TOL = 1e-5f;
    static final Progress SILENT = Progress.NONE.start("test", 0);

    static ClipModel clip;

    @BeforeAll
    static void model() {
        clip = RandomClip.create(CFG, 7);
    }

    @AfterAll
    static void close() {
        clip.close();
    }

    Tensor unitFeatures(String template) {
        List<String> texts = CLASSES.stream().map(c -> Templates.fill(template, c)).toList();
        return ClipModel.normalize(FeatureExtractor.texts(clip, texts, 100, SILENT));
    }

    @Test
    void oneTemplateGivesTheNormalisedTextFeatures() {
        try (Scope s = Scope.open();
                ZeroShotClassifier z = ZeroShotClassifier.build(clip, CLASSES, TEMPLATES.subList(0, 1), 2, Progress.NONE)) {
            assertThat(Golden.maxAbsDiff(z.classFeatures(), unitFeatures(TEMPLATES.get(0)))).isLessThanOrEqualTo(TOL);
        }
    }

    @Test
    void severalTemplatesAverageUnitFeaturesAndRenormalise() {
        try (Scope s = Scope.open();
                ZeroShotClassifier z = ZeroShotClassifier.build(clip, CLASSES, TEMPLATES, 2, Progress.NONE)) {
            Tensor expected = ClipModel.normalize(unitFeatures(TEMPLATES.get(0)).add(unitFeatures(TEMPLATES.get(1))));
            assertThat(Golden.maxAbsDiff(z.classFeatures(), expected)).isLessThanOrEqualTo(TOL);
            // not the position-wise embedding mean that ClassTexts feeds the prompt learner
            ClassTexts embeddingMean = ClassTexts.build(clip, CLASSES, TEMPLATES);
            Tensor other = ClipModel.normalize(clip.text().encodeEmbeddings(embeddingMean.embeddings(),
                    embeddingMean.eot(), org.dpl4j.model.BlockAttention.PLAIN, true));
            assertThat(Golden.maxAbsDiff(z.classFeatures(), other)).isGreaterThan(1e-3f);
        }
    }

    @Test
    void logitsAreScaledCosinesWithTheClassFeatures() {
        Random r = new Random(3);
        float[] pixels = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        try (Scope s = Scope.open();
                ZeroShotClassifier z = ZeroShotClassifier.build(clip, CLASSES, TEMPLATES, 8, Progress.NONE)) {
            Tensor logits = z.logits(pixels, 2);
            Tensor expected = clip.logits(FeatureExtractor.pixels(clip, pixels, 2), z.classFeatures());
            assertThat(Shape.of(logits).dims()).containsExactly(2, 3);
            assertThat(Golden.maxAbsDiff(logits, expected)).isLessThanOrEqualTo(1e-4f);
        }
    }

    @Test
    void textFeaturesDoNotDependOnTheChunkSize() {
        List<String> texts = List.of("a", "a photo of a dog.", "three little words", "x y z w", "one more text here");
        try (Scope s = Scope.open()) {
            Tensor whole = FeatureExtractor.texts(clip, texts, 100, SILENT);
            Tensor chunked = FeatureExtractor.texts(clip, texts, 2, SILENT);
            assertThat(Shape.of(whole).dims()).containsExactly(5, 32);
            assertThat(Golden.maxAbsDiff(chunked, whole)).isLessThanOrEqualTo(TOL);
        }
    }
}
