package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.dpl4j.data.image.ImageDecoder;
import org.junit.jupiter.api.Test;

/**
 * The demo data bundled in {@code demo-data/} (made by {@code scripts/make-demo-data.sh}) loads through
 * the ordinary loaders with the documented sizes, and every image decodes.
 */
class DemoDataTest {
    private static final Path DEMO = Path.of("demo-data");

    @Test
    void oxfordPetsSubsetIsCoopLayoutWith16x4x24PerClass() throws IOException {
        DatasetSplits d = Datasets.load("OxfordPets", DEMO);
        assertThat(d.classNames()).containsExactly("abyssinian", "american bulldog", "bengal");
        assertThat(d.classCounts(d.train())).containsOnly(16);
        assertThat(d.classCounts(d.val())).containsOnly(4);
        assertThat(d.classCounts(d.test())).containsOnly(24);
        assertDisjointAndDecodable(d, 112);
    }

    @Test
    void fashionMnistSubsetIsPreSplitImageFolderWith16x4x30PerClass() throws IOException {
        DatasetSplits d = Datasets.load("imagefolder", DEMO.resolve("fashion_mnist"));
        assertThat(d.classNames()).containsExactly("ankle boot", "bag", "coat", "dress", "pullover", "sandal",
                "shirt", "sneaker", "t-shirt", "trouser");
        assertThat(d.classCounts(d.train())).containsOnly(16);
        assertThat(d.classCounts(d.val())).containsOnly(4);
        assertThat(d.classCounts(d.test())).containsOnly(30);
        assertDisjointAndDecodable(d, 28);
    }

    @Test
    void attributionAndSizeBudget() throws IOException {
        assertThat(DEMO.resolve("ATTRIBUTION.md")).isRegularFile();
        long bytes;
        try (Stream<Path> files = Files.walk(DEMO)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(bytes).isLessThan(5L << 20);
    }

    private static void assertDisjointAndDecodable(DatasetSplits d, int maxSide) throws IOException {
        Set<Path> seen = new HashSet<>();
        for (List<Sample> split : List.of(d.train(), d.val(), d.test())) {
            for (Sample s : split) {
                assertThat(seen.add(s.path())).as("%s in two splits", s.path()).isTrue();
                BufferedImage img = ImageDecoder.read(s.path());
                assertThat(Math.max(img.getWidth(), img.getHeight())).as(s.path().toString()).isEqualTo(maxSide);
            }
        }
    }
}
