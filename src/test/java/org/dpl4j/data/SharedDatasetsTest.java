package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.Test;

/** The loaders on the real (trimmed) datasets in {@code ../shared/datasets}; skipped when absent. */
class SharedDatasetsTest {

    @Test
    void caltech101FullSplitWithCoopRenames() throws IOException {
        Path images = Shared.require("datasets/caltech-101/101_ObjectCategories");
        Path root = images.getParent().getParent();
        DatasetSplits d = Datasets.load("Caltech101", root);

        assertThat(d.name()).isEqualTo("Caltech101");
        assertThat(d.numClasses()).isEqualTo(100);
        assertThat(d.train()).hasSize(4128);
        assertThat(d.val()).hasSize(1649);
        assertThat(d.test()).hasSize(2465);
        assertThat(d.classNames()).contains("face", "leopard", "motorbike", "airplane", "car side")
                .doesNotContain("Faces", "Leopards", "Motorbikes", "airplanes", "car_side", "BACKGROUND Google",
                        "BACKGROUND_Google", "Faces_easy", "Faces easy");
        assertThat(d.classNames().get(0)).isEqualTo("face");
        assertThat(d.classNames()).doesNotHaveDuplicates().noneMatch(n -> n.contains("_"));
        Sample first = d.train().get(0);
        assertThat(first.path()).isEqualTo(images.resolve("Faces/image_0274.jpg").toAbsolutePath().normalize());
        assertThat(first.label()).isZero();
        assertThat(first.className()).isEqualTo("face");
        assertThat(d.train()).allMatch(s -> s.path().startsWith(images.toAbsolutePath().normalize()));
        assertThat(Files.isRegularFile(d.test().get(d.test().size() - 1).path())).isTrue();
        assertThat(d.classCounts(d.train())).doesNotContain(0);
        // no image in two splits
        Set<Path> seen = new HashSet<>();
        for (List<Sample> split : List.of(d.train(), d.val(), d.test())) {
            for (Sample s : split) {
                assertThat(seen.add(s.path())).as("%s in two splits", s.path()).isTrue();
            }
        }
        // aliases load the same dataset
        assertThat(Datasets.load("caltech-101", root).train()).isEqualTo(d.train());
    }

    @Test
    void dtdSubsetHas10ClassesWith60x24x36() throws IOException {
        Path root = Shared.require("datasets/dtd").getParent();
        DatasetSplits d = Datasets.load("dtd", root);
        assertThat(d.name()).isEqualTo("DescribableTextures");
        assertThat(d.numClasses()).isEqualTo(10);
        assertThat(d.classNames().subList(0, 3)).containsExactly("banded", "blotchy", "braided");
        assertThat(d.classCounts(d.train())).containsOnly(60);
        assertThat(d.classCounts(d.val())).containsOnly(24);
        assertThat(d.classCounts(d.test())).containsOnly(36);
    }

    @Test
    void oxfordPetsUnderscoresBecomeSpaces() throws IOException {
        Path root = Shared.require("datasets/oxford_pets").getParent();
        DatasetSplits d = Datasets.load("oxford_pets", root);
        assertThat(d.name()).isEqualTo("OxfordPets");
        assertThat(d.classNames()).containsExactly("abyssinian", "american bulldog", "bengal");
        assertThat(d.train()).hasSize(240);
        assertThat(d.val()).hasSize(60);
        assertThat(d.test()).hasSize(298);
        assertThat(d.train().get(0).path().getParent()).isEqualTo(root.resolve("oxford_pets/images")
                .toAbsolutePath().normalize());
    }

    @Test
    void imagenetTestIsValFolderAndValIsCarvedFromTrain() throws IOException {
        Path root = Shared.require("datasets/imagenet").getParent();
        DatasetSplits d = Datasets.load("ImageNet", root);
        assertThat(d.numClasses()).isEqualTo(10);
        assertThat(d.classNames()).startsWith("tench", "English Springer Spaniel", "cassette player");
        assertThat(d.classCounts(d.test())).containsOnly(50);
        assertThat(d.classCounts(d.val())).containsOnly(40);
        assertThat(d.classCounts(d.train())).containsOnly(160);
        Path valDir = root.resolve("imagenet/images/val").toAbsolutePath().normalize();
        Path trainDir = root.resolve("imagenet/images/train").toAbsolutePath().normalize();
        assertThat(d.test()).allMatch(s -> s.path().startsWith(valDir));
        assertThat(d.val()).allMatch(s -> s.path().startsWith(trainDir));
        Set<Path> train = new HashSet<>();
        d.train().forEach(s -> train.add(s.path()));
        assertThat(d.val()).noneMatch(s -> train.contains(s.path()));
        assertThat(d.test().get(0).path().getParent().getFileName().toString()).isEqualTo("n01440764");
        assertThat(d.test().get(0).className()).isEqualTo("tench");
        // the carved split is the same on every load
        assertThat(Datasets.load("imagenet", root).val()).isEqualTo(d.val());
    }

    @Test
    void cifar10AsPreSplitImageFolderCarvesVal() throws IOException {
        Path dir = Shared.require("datasets/cifar10");
        DatasetSplits d = Datasets.load("imagefolder", dir);
        assertThat(d.name()).isEqualTo("cifar10");
        assertThat(d.classNames()).containsExactly("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                "horse", "ship", "truck");
        assertThat(d.classCounts(d.train())).containsOnly(400);
        assertThat(d.classCounts(d.val())).containsOnly(100);
        assertThat(d.classCounts(d.test())).containsOnly(100);
        assertThat(d.test()).allMatch(s -> s.path().toString().contains("/test/"));
        assertThat(d.val()).allMatch(s -> s.path().toString().contains("/train/"));
    }
}
