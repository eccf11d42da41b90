package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dpl4j.data.Fixtures.e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The split-file layouts that are not in ../shared, on tiny fixtures. */
class SplitFileLayoutsTest {
    @TempDir
    Path root;

    @Test
    void stanfordCarsImagesAreRelativeToTheDatasetFolder() throws IOException {
        Path dir = root.resolve("stanford_cars");
        Fixtures.splitDataset(dir.resolve("split_zhou_StanfordCars.json"), dir,
                List.of(e("cars_train/00001.jpg", 0, "2000 AM General Hummer SUV"),
                        e("cars_train/00002.jpg", 1, "2012 Audi TTS Coupe"),
                        e("cars_train/00003.jpg", 1, "2012 Audi TTS Coupe")),
                List.of(e("cars_train/00004.jpg", 0, "2000 AM General Hummer SUV")),
                List.of(e("cars_test/00001.jpg", 1, "2012 Audi TTS Coupe")));
        DatasetSplits d = Datasets.load("stanford_cars", root);
        assertThat(d.name()).isEqualTo("StanfordCars");
        assertThat(d.classNames()).containsExactly("2000 AM General Hummer SUV", "2012 Audi TTS Coupe");
        assertThat(d.train()).hasSize(3);
        assertThat(d.val()).hasSize(1);
        assertThat(d.test()).singleElement().satisfies(s -> {
            assertThat(s.path()).isEqualTo(dir.resolve("cars_test/00001.jpg").toAbsolutePath().normalize());
            assertThat(s.label()).isEqualTo(1);
        });
    }

    @Test
    void flowersTakeNamesFromCatToName() throws IOException {
        Path dir = root.resolve("oxford_flowers");
        Fixtures.splitDataset(dir.resolve("split_zhou_OxfordFlowers.json"), dir.resolve("jpg"),
                List.of(e("image_00001.jpg", 0, "name in split"), e("image_00002.jpg", 1, "other")),
                List.of(e("image_00003.jpg", 1, "other")),
                List.of(e("image_00004.jpg", 0, "name in split")));
        Files.writeString(dir.resolve("cat_to_name.json"), "{\"2\": \"hard-leaved pocket orchid\", \"1\": \"pink primrose\"}");
        DatasetSplits d = Datasets.load("OxfordFlowers", root);
        assertThat(d.classNames()).containsExactly("pink primrose", "hard-leaved pocket orchid");
        assertThat(d.val().get(0).className()).isEqualTo("hard-leaved pocket orchid");
        assertThat(d.train().get(0).path().getParent().getFileName().toString()).isEqualTo("jpg");
    }

    @Test
    void flowersWithoutAnEntryInCatToNameFailNamingTheFile() throws IOException {
        Path dir = root.resolve("oxford_flowers");
        Fixtures.splitDataset(dir.resolve("split_zhou_OxfordFlowers.json"), dir.resolve("jpg"),
                List.of(e("image_00001.jpg", 0, "a"), e("image_00002.jpg", 5, "b")), List.of(), List.of());
        Files.writeString(dir.resolve("cat_to_name.json"), "{\"1\": \"pink primrose\"}");
        assertThatThrownBy(() -> Datasets.load("oxford_flowers", root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("cat_to_name.json").hasMessageContaining("label 5");
    }

    @Test
    void food101UnderscoresBecomeSpaces() throws IOException {
        Path dir = root.resolve("food-101");
        Fixtures.splitDataset(dir.resolve("split_zhou_Food101.json"), dir.resolve("images"),
                List.of(e("apple_pie/1.jpg", 0, "apple_pie"), e("baby_back_ribs/2.jpg", 1, "baby_back_ribs")),
                List.of(e("apple_pie/3.jpg", 0, "apple_pie")),
                List.of(e("baby_back_ribs/4.jpg", 1, "baby_back_ribs")));
        DatasetSplits d = Datasets.load("food101", root);
        assertThat(d.name()).isEqualTo("Food101");
        assertThat(d.classNames()).containsExactly("apple pie", "baby back ribs");
        assertThat(d.test().get(0).className()).isEqualTo("baby back ribs");
    }

    @Test
    void sun397ImagesUnderSun397SubfolderOrDatasetFolder() throws IOException {
        for (String imageDir : List.of("SUN397", "")) {
            Path r = root.resolve("layout" + imageDir);
            Path dir = r.resolve("sun397");
            Fixtures.splitDataset(dir.resolve("split_zhou_SUN397.json"), imageDir.isEmpty() ? dir : dir.resolve(imageDir),
                    List.of(e("a/abbey/sun_a.jpg", 0, "abbey"), e("a/airport_terminal/sun_b.jpg", 1, "airport_terminal")),
                    List.of(e("a/abbey/sun_c.jpg", 0, "abbey")),
                    List.of(e("c/church/indoor/sun_d.jpg", 2, "indoor church")));
            DatasetSplits d = Datasets.load("SUN397", r);
            assertThat(d.classNames()).containsExactly("abbey", "airport terminal", "indoor church");
            assertThat(d.test().get(0).path()).endsWith(Path.of("c/church/indoor/sun_d.jpg"));
            assertThat(Files.isRegularFile(d.test().get(0).path())).isTrue();
        }
    }

    @Test
    void eurosatFolderNamesAreRenamedAsInCoop() throws IOException {
        Path dir = root.resolve("eurosat");
        Fixtures.splitDataset(dir.resolve("split_zhou_EuroSAT.json"), dir.resolve("2750"),
                List.of(e("AnnualCrop/AnnualCrop_1.jpg", 0, "AnnualCrop"), e("Forest/Forest_1.jpg", 1, "Forest"),
                        e("SeaLake/SeaLake_1.jpg", 2, "SeaLake")),
                List.of(e("HerbaceousVegetation/H_1.jpg", 3, "HerbaceousVegetation")),
                // CoOp's own split file already carries the new names: both forms give the same result
                List.of(e("AnnualCrop/AnnualCrop_2.jpg", 0, "Annual Crop Land")));
        DatasetSplits d = Datasets.load("eurosat", root);
        assertThat(d.name()).isEqualTo("EuroSAT");
        assertThat(d.classNames()).containsExactly("Annual Crop Land", "Forest", "Sea or Lake",
                "Herbaceous Vegetation Land");
        assertThat(d.train().get(0).className()).isEqualTo("Annual Crop Land");
        assertThat(d.test().get(0).className()).isEqualTo("Annual Crop Land");
        assertThat(d.train().get(0).path()).endsWith(Path.of("2750/AnnualCrop/AnnualCrop_1.jpg"));
    }

    @Test
    void ucf101MidFramesWithReadableNames() throws IOException {
        Path dir = root.resolve("ucf101");
        Fixtures.splitDataset(dir.resolve("split_zhou_UCF101.json"), dir.resolve("UCF-101-midframes"),
                List.of(e("Apply_Eye_Makeup/v_ApplyEyeMakeup_g12_c03.jpg", 0, "Apply_Eye_Makeup"),
                        e("Archery/v_Archery_g01_c01.jpg", 1, "Archery")),
                List.of(e("Archery/v_Archery_g02_c01.jpg", 1, "Archery")),
                List.of(e("Apply_Eye_Makeup/v_ApplyEyeMakeup_g01_c01.jpg", 0, "Apply_Eye_Makeup")));
        DatasetSplits d = Datasets.load("UCF101", root);
        assertThat(d.classNames()).containsExactly("Apply Eye Makeup", "Archery");
        assertThat(d.train()).extracting(Sample::label).containsExactly(0, 1);
    }

    @Test
    void caltechWithRawFolderNamesIsFixedAndRelabelled() throws IOException {
        Path dir = root.resolve("caltech-101");
        Fixtures.splitDataset(dir.resolve("split_zhou_Caltech101.json"), dir.resolve("101_ObjectCategories"),
                List.of(e("BACKGROUND_Google/image_0001.jpg", 0, "BACKGROUND_Google"),
                        e("Faces/image_0001.jpg", 1, "Faces"),
                        e("Faces_easy/image_0001.jpg", 2, "Faces_easy"),
                        e("airplanes/image_0001.jpg", 3, "airplanes"),
                        e("car_side/image_0001.jpg", 4, "car_side")),
                List.of(e("Leopards/image_0001.jpg", 5, "Leopards")),
                List.of(e("Motorbikes/image_0001.jpg", 6, "Motorbikes"), e("Faces/image_0002.jpg", 1, "Faces")));
        DatasetSplits d = Datasets.load("caltech101", root);
        assertThat(d.classNames()).containsExactly("face", "airplane", "car side", "leopard", "motorbike");
        assertThat(d.train()).extracting(Sample::label).containsExactly(0, 1, 2);
        assertThat(d.train()).extracting(Sample::className).containsExactly("face", "airplane", "car side");
        assertThat(d.val().get(0).label()).isEqualTo(3);
        assertThat(d.test()).extracting(Sample::label).containsExactly(4, 0);
    }

    @Test
    void missingImageFailsNamingTheImageAndTheSplitFileOnOneLine() throws IOException {
        Path split = dtdFixture();
        Files.delete(root.resolve("dtd/images/bumpy/bumpy_2.jpg"));
        assertThatThrownBy(() -> Datasets.load("DescribableTextures", root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("bumpy/bumpy_2.jpg")
                .hasMessageContaining(split.toString())
                .hasMessageContaining("(val)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void lenientModeDropsMissingImages() throws IOException {
        dtdFixture();
        Files.delete(root.resolve("dtd/images/bumpy/bumpy_2.jpg"));
        DatasetSplits d = Datasets.load("dtd", root, MissingFilePolicy.SKIP);
        assertThat(d.train()).hasSize(2);
        assertThat(d.val()).isEmpty();
        assertThat(d.test()).hasSize(1);
        assertThat(d.numClasses()).isEqualTo(2);
    }

    @Test
    void missingDatasetFolderNamesTheExpectedLayout() {
        assertThatThrownBy(() -> Datasets.load("dtd", root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(root.resolve("dtd").toString())
                .hasMessageContaining("split_zhou_DescribableTextures.json");
    }

    @Test
    void missingSplitFileIsNamed() throws IOException {
        Files.createDirectories(root.resolve("dtd/images"));
        assertThatThrownBy(() -> Datasets.load("dtd", root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(root.resolve("dtd/split_zhou_DescribableTextures.json").toString());
    }

    @Test
    void malformedSplitEntriesAreReportedWithTheirPosition() throws IOException {
        Path split = dtdFixture();
        Files.writeString(split, "{\"train\": [[\"a.jpg\", 0, \"x\"], [\"b.jpg\", \"zero\", \"x\"]], "
                + "\"val\": [], \"test\": []}");
        assertThatThrownBy(() -> Datasets.load("dtd", root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(split.toString()).hasMessageContaining("train[1]");
        Files.writeString(split, "{\"train\": [], \"test\": []}");
        assertThatThrownBy(() -> Datasets.load("dtd", root)).hasMessageContaining("\"val\"");
        Files.writeString(split, "{\"train\": [");
        assertThatThrownBy(() -> Datasets.load("dtd", root))
                .isInstanceOf(DatasetException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void oneLabelWithTwoNamesIsAnError() throws IOException {
        Path dir = root.resolve("dtd");
        Fixtures.splitDataset(dir.resolve("split_zhou_DescribableTextures.json"), dir.resolve("images"),
                List.of(e("banded/1.jpg", 0, "banded"), e("bumpy/1.jpg", 0, "bumpy")), List.of(), List.of());
        assertThatThrownBy(() -> Datasets.load("dtd", root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("label 0").hasMessageContaining("'banded'").hasMessageContaining("'bumpy'");
    }

    private Path dtdFixture() throws IOException {
        Path dir = root.resolve("dtd");
        Path split = dir.resolve("split_zhou_DescribableTextures.json");
        Fixtures.splitDataset(split, dir.resolve("images"),
                List.of(e("banded/banded_1.jpg", 0, "banded"), e("bumpy/bumpy_1.jpg", 1, "bumpy")),
                List.of(e("bumpy/bumpy_2.jpg", 1, "bumpy")),
                List.of(e("banded/banded_2.jpg", 0, "banded")));
        return split;
    }
}
