package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FgvcAircraftDatasetTest {
    @TempDir
    Path root;

    /** Writes the dataset's text files into {@code dir} and creates the listed images. */
    private static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("variants.txt"), "707-320\nCessna 172\nF/A-18\n");
        Files.writeString(dir.resolve("images_variant_train.txt"), "1000001 Cessna 172\n1000002 707-320\n1000003 F/A-18\n");
        Files.writeString(dir.resolve("images_variant_val.txt"), "1000004 Cessna 172\n");
        Files.writeString(dir.resolve("images_variant_test.txt"), "1000005 F/A-18\n1000006 707-320\n");
        for (int i = 1; i <= 6; i++) {
            Fixtures.touch(dir.resolve("images/100000" + i + ".jpg"));
        }
    }

    @Test
    void labelsFollowVariantsTxtAndMultiWordVariantsAreKept() throws IOException {
        write(root.resolve("fgvc_aircraft/data"));
        DatasetSplits d = Datasets.load("fgvc_aircraft", root);
        assertThat(d.name()).isEqualTo("FGVCAircraft");
        assertThat(d.classNames()).containsExactly("707-320", "Cessna 172", "F/A-18");
        assertThat(d.train()).extracting(Sample::label).containsExactly(1, 0, 2);
        assertThat(d.val()).singleElement().extracting(Sample::className).isEqualTo("Cessna 172");
        assertThat(d.test()).hasSize(2);
        assertThat(d.train().get(0).path())
                .isEqualTo(root.resolve("fgvc_aircraft/data/images/1000001.jpg").toAbsolutePath().normalize());
    }

    @Test
    void coopFlattenedLayoutWithoutDataFolderAlsoLoads() throws IOException {
        write(root.resolve("fgvc_aircraft"));
        assertThat(Datasets.load("FGVCAircraft", root).train()).hasSize(3);
    }

    @Test
    void unknownVariantNamesFileAndLine() throws IOException {
        Path dir = root.resolve("fgvc_aircraft/data");
        write(dir);
        Files.writeString(dir.resolve("images_variant_val.txt"), "1000004 Cessna 172\n1000001 Boeing 999\n");
        assertThatThrownBy(() -> Datasets.load("fgvc_aircraft", root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("images_variant_val.txt:2").hasMessageContaining("Boeing 999");
    }

    @Test
    void missingImageNamesTheVariantFile() throws IOException {
        Path dir = root.resolve("fgvc_aircraft/data");
        write(dir);
        Files.delete(dir.resolve("images/1000005.jpg"));
        assertThatThrownBy(() -> Datasets.load("fgvc_aircraft", root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("1000005.jpg").hasMessageContaining("images_variant_test.txt");
    }

    @Test
    void missingVariantsFileIsNamed() {
        assertThatThrownBy(() -> Datasets.load("fgvc_aircraft", root))
                .isInstanceOf(DatasetException.class).hasMessageContaining("variants.txt");
    }
}
