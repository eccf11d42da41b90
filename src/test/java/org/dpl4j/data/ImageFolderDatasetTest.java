package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
    @TempDir
    Path root;

    private static void png(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }

    @Test
    void oneLevelIsSplit50x20x30PerClassDeterministically() throws IOException {
        Path dir = root.resolve("pets_of_mine");
        for (int i = 0; i < 10; i++) {
            png(dir.resolve("golden_retriever/img" + i + ".png"));
        }
        for (int i = 0; i < 20; i++) {
            Fixtures.touch(dir.resolve("cat/sub/img" + i + ".JPG"));
        }
        Fixtures.touch(dir.resolve("cat/notes.txt"));
        Fixtures.touch(dir.resolve("cat/.hidden.jpg"));
        Fixtures.touch(dir.resolve(".git/x.jpg"));
        DatasetSplits d = Datasets.load("imagefolder", dir);
        assertThat(d.name()).isEqualTo("pets_of_mine");
        assertThat(d.classNames()).containsExactly("cat", "golden retriever");
        assertThat(d.classCounts(d.train())).containsExactly(10, 5);
        assertThat(d.classCounts(d.val())).containsExactly(4, 2);
        assertThat(d.classCounts(d.test())).containsExactly(6, 3);
        Set<Path> all = new HashSet<>();
        for (List<Sample> s : List.of(d.train(), d.val(), d.test())) {
            s.forEach(x -> all.add(x.path()));
        }
        assertThat(all).hasSize(30);
        DatasetSplits again = Datasets.load("ImageFolder", dir);
        assertThat(again).isEqualTo(d);
    }

    @Test
    void smallClassesKeepAtLeastOneTrainingImage() {
        assertThat(SplitCarver.counts(1, new double[] {0.5, 0.2, 0.3})).containsExactly(1, 0, 0);
        assertThat(SplitCarver.counts(2, new double[] {0.5, 0.2, 0.3})).containsExactly(1, 0, 1);
        assertThat(SplitCarver.counts(3, new double[] {0.5, 0.2, 0.3})).containsExactly(1, 1, 1);
        assertThat(SplitCarver.counts(0, new double[] {0.5, 0.2, 0.3})).containsExactly(0, 0, 0);
    }

    @Test
    void preSplitFoldersAreUsedAsIs() throws IOException {
        Path dir = root.resolve("mine");
        for (String split : List.of("train", "val", "test")) {
            for (String cls : List.of("a", "b")) {
                Fixtures.touch(dir.resolve(split + "/" + cls + "/1.jpg"));
                Fixtures.touch(dir.resolve(split + "/" + cls + "/2.jpg"));
            }
        }
        Fixtures.touch(dir.resolve("test/c/1.jpg"));
        DatasetSplits d = Datasets.load("imagefolder", dir);
        assertThat(d.classNames()).containsExactly("a", "b", "c");
        assertThat(d.classCounts(d.train())).containsExactly(2, 2, 0);
        assertThat(d.classCounts(d.val())).containsExactly(2, 2, 0);
        assertThat(d.classCounts(d.test())).containsExactly(2, 2, 1);
        assertThat(d.val()).allMatch(s -> s.path().startsWith(dir.resolve("val").toAbsolutePath()));
    }

    @Test
    void missingTestIsCarvedFromTrain() throws IOException {
        Path dir = root.resolve("mine");
        for (int i = 0; i < 10; i++) {
            Fixtures.touch(dir.resolve("train/a/" + i + ".jpg"));
        }
        Fixtures.touch(dir.resolve("val/a/v.jpg"));
        DatasetSplits d = Datasets.load("imagefolder", dir);
        assertThat(d.val()).hasSize(1);
        assertThat(d.test()).hasSize(3);
        assertThat(d.train()).hasSize(7);
    }

    @Test
    void emptyClassFolderIsAnError() throws IOException {
        Path dir = root.resolve("mine");
        Fixtures.touch(dir.resolve("a/1.jpg"));
        Files.createDirectories(dir.resolve("b"));
        assertThatThrownBy(() -> Datasets.load("imagefolder", dir))
                .isInstanceOf(DatasetException.class).hasMessageContaining(dir.resolve("b").toString());
    }

    @Test
    void folderWithoutClassesIsAnError() throws IOException {
        Fixtures.touch(root.resolve("flat/1.jpg"));
        assertThatThrownBy(() -> Datasets.load("imagefolder", root.resolve("flat")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("no class folders");
        assertThatThrownBy(() -> Datasets.load("imagefolder", root.resolve("absent")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("not found");
    }
}
