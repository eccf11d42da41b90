package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.Templates;
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

    static NDManager manager;
    static ClipModel clip;

    @BeforeAll
    static void model() {
        manager = NDManager.newBaseManager();
        clip = RandomClip.create(CFG, manager, 7);
    }

    @AfterAll
    static void close() {
        clip.close();
        manager.close();
    }

    NDArray unitFeatures(String template, NDManager m) {
        List<String> texts = CLASSES.stream().map(c -> Templates.fill(template, c)).toList();
        return ClipModel.normalize(FeatureExtractor.texts(clip, texts, 100, m, SILENT));
    }

    @Test
    void oneTemplateGivesTheNormalisedTextFeatures() {
        try (NDManager m = manager.newSubManager();
                ZeroShotClassifier z = ZeroShotClassifier.build(clip, CLASSES, TEMPLATES.subList(0, 1), 2, m, Progress.NONE)) {
            assertThat(Golden.maxAbsDiff(z.classFeatures(), unitFeatures(TEMPLATES.get(0), m))).isLessThanOrEqualTo(TOL);
        }
    }

    @Test
    void severalTemplatesAverageUnitFeaturesAndRenormalise() {
        try (NDManager m = manager.newSubManager();
                ZeroShotClassifier z = ZeroShotClassifier.build(clip, CLASSES, TEMPLATES, 2, m, Progress.NONE)) {
            NDArray expected = ClipModel.normalize(unitFeatures(TEMPLATES.get(0), m).add(unitFeatures(TEMPLATES.get(1), m)));
            assertThat(Golden.maxAbsDiff(z.classFeatures(), expected)).isLessThanOrEqualTo(TOL);
            // not the position-wise embedding mean that ClassTexts feeds the prompt learner
            ClassTexts embeddingMean = ClassTexts.build(clip, CLASSES, TEMPLATES, m);
            NDArray other = ClipModel.normalize(clip.text().encodeEmbeddings(m, embeddingMean.embeddings(),
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
        try (NDManager m = manager.newSubManager();
                ZeroShotClassifier z = ZeroShotClassifier.build(clip, CLASSES, TEMPLATES, 8, m, Progress.NONE)) {
            NDArray logits = z.logits(m, pixels, 2);
            NDArray expected = clip.logits(FeatureExtractor.pixels(clip, m, pixels, 2), z.classFeatures());
            assertThat(logits.getShape().getShape()).containsExactly(2, 3);
            assertThat(Golden.maxAbsDiff(logits, expected)).isLessThanOrEqualTo(1e-4f);
        }
    }

    @Test
    void textFeaturesDoNotDependOnTheChunkSize() {
        List<String> texts = List.of("a", "a photo of a dog.", "three little words", "x y z w", "one more text here");
        try (NDManager m = manager.newSubManager()) {
            NDArray whole = FeatureExtractor.texts(clip, texts, 100, m, SILENT);
            NDArray chunked = FeatureExtractor.texts(clip, texts, 2, m, SILENT);
            assertThat(whole.getShape().getShape()).containsExactly(5, 32);
            assertThat(Golden.maxAbsDiff(chunked, whole)).isLessThanOrEqualTo(TOL);
        }
    }
}
