package org.dpl4j.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Sample;
import org.dpl4j.model.TextEncoder;
import org.dpl4j.model.text.ClipTokenizer;
import org.junit.jupiter.api.Test;

/** Pooling datasets under global classes, caption choice, and the compact caption vocabulary. */
class CaptionedDataTest {

    private static DatasetSplits dataset(String name, List<String> classes, int perClass) {
        List<Sample> train = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            for (int i = 0; i < perClass; i++) {
                train.add(new Sample(Path.of("/data", name, classes.get(c), i + ".jpg"), c, classes.get(c)));
            }
        }
        return new DatasetSplits(name, classes, train, List.of(), List.of());
    }

    @Test
    void sameClassNameInTwoDatasetsIsOneClass() {
        CaptionedData d = CaptionedData.of(List.of(
                dataset("a", List.of("airplane", "dog"), 2),
                dataset("b", List.of("cat", "Airplane ", "truck"), 1)), List.of("a photo of a {}."), 1);
        assertThat(d.classNames()).containsExactly("airplane", "dog", "cat", "truck");
        assertThat(d.samples()).hasSize(7);
        Sample bPlane = d.samples().get(5);
        assertThat(bPlane.path()).isEqualTo(Path.of("/data/b/Airplane /0.jpg"));
        assertThat(bPlane.label()).isZero();
        assertThat(bPlane.className()).isEqualTo("airplane");
        assertThat(d.samples().get(6).label()).isEqualTo(3);
        assertThat(d.indexOf(bPlane)).isEqualTo(5);
        assertThat(d.sources()).containsExactly("a: 4 train images, 2 classes", "b: 3 train images, 3 classes");
    }

    @Test
    void captionsAreSeededPerEpochAndIndexAndUseEveryTemplate() {
        List<String> templates = List.of("a photo of a {}.", "a {} square.", "itap of a {}.", "art of the {}.");
        CaptionedData d = CaptionedData.of(List.of(dataset("a", List.of("red_car", "dog"), 20)), templates, 7);
        CaptionedData again = CaptionedData.of(List.of(dataset("a", List.of("red_car", "dog"), 20)), templates, 7);
        CaptionedData otherSeed = CaptionedData.of(List.of(dataset("a", List.of("red_car", "dog"), 20)), templates, 8);
        Set<Integer> used = new HashSet<>();
        int changedWithEpoch = 0;
        int changedWithSeed = 0;
        for (int i = 0; i < 40; i++) {
            assertThat(d.templateIndex(3, i)).isEqualTo(again.templateIndex(3, i));
            used.add(d.templateIndex(0, i));
            changedWithEpoch += d.templateIndex(0, i) != d.templateIndex(1, i) ? 1 : 0;
            changedWithSeed += d.templateIndex(0, i) != otherSeed.templateIndex(0, i) ? 1 : 0;
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(changedWithEpoch).isGreaterThan(15);
        assertThat(changedWithSeed).isGreaterThan(15);
        int t = d.templateIndex(2, 25);
        assertThat(d.captionOf(2, 25)).isEqualTo(templates.get(t).replace("{}", "dog"));
        assertThat(d.fill(0, 1)).isEqualTo("a red car square.");
        assertThat(d.allCaptions()).hasSize(8).startsWith("a photo of a red car.").endsWith("art of the dog.");
    }

    @Test
    void unknownSampleAndTemplateWithoutPlaceholderAreRejected() {
        CaptionedData d = CaptionedData.of(List.of(dataset("a", List.of("x"), 1)), List.of("{}"), 1);
        assertThatThrownBy(() -> d.indexOf(new Sample(Path.of("/elsewhere.jpg"), 0, "x")))
                .hasMessageContaining("/elsewhere.jpg");
        assertThatThrownBy(() -> CaptionedData.of(List.of(dataset("a", List.of("x"), 1)), List.of("a photo"), 1))
                .hasMessageContaining("a photo");
    }

    @Test
    void compactTokensMapBackToTheTokenizerAndKeepTheEotPosition() {
        CaptionedData d = CaptionedData.of(List.of(dataset("a", List.of("golf ball", "English Springer Spaniel"), 1)),
                List.of("a photo of a {}.", "a low resolution photo of the {}."), 1);
        CaptionTokens t = CaptionTokens.of(d, ClipTokenizer.load(), 77, 49408);
        long[] used = t.usedIds();
        assertThat(used).isSorted().contains(0L, ClipTokenizer.SOT, ClipTokenizer.EOT);
        assertThat(t.size()).isEqualTo(used.length).isLessThan(30);
        int[] labels = {0, 1, 1, 0};
        int[] templates = {0, 0, 1, 1};
        long[][] compact = t.rows(labels, templates);
        for (int i = 0; i < labels.length; i++) {
            long[] full = ClipTokenizer.load().tokenize(d.fill(labels[i], templates[i]), 77);
            long[] back = new long[77];
            for (int j = 0; j < 77; j++) {
                back[j] = used[(int) compact[i][j]];
            }
            assertThat(back).containsExactly(full);
            assertThat(compact[i][TextEncoder.eotIndices(new long[][] {full})[0]]).isEqualTo(used.length - 1);
        }
        assertThat(TextEncoder.eotIndices(compact)).containsExactly(TextEncoder.eotIndices(
                ClipTokenizer.load().tokenize(List.of(d.fill(0, 0), d.fill(1, 0), d.fill(1, 1), d.fill(0, 1)), 77)));
    }

    @Test
    void tokenOutsideTheVocabularyIsRejected() {
        CaptionedData d = CaptionedData.of(List.of(dataset("a", List.of("dog"), 1)), List.of("a {}."), 1);
        assertThatThrownBy(() -> CaptionTokens.of(d, ClipTokenizer.load(), 77, 1000))
                .hasMessageContaining("a dog.").hasMessageContaining("vocabulary of 1000");
    }
}
