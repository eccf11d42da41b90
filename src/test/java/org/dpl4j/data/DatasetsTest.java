package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatasetsTest {

    @Test
    void namesAreTheCoopDatasetsPlusImageFolder() {
        assertThat(Datasets.names()).containsExactly("ImageNet", "Caltech101", "OxfordPets", "StanfordCars",
                "OxfordFlowers", "Food101", "FGVCAircraft", "SUN397", "DescribableTextures", "EuroSAT", "UCF101",
                "ImageFolder");
    }

    @Test
    void namesAndAliasesMatchIgnoringCaseAndSeparators() {
        assertThat(Datasets.canonicalName("dtd")).isEqualTo("DescribableTextures");
        assertThat(Datasets.canonicalName("DESCRIBABLETEXTURES")).isEqualTo("DescribableTextures");
        assertThat(Datasets.canonicalName("oxford_pets")).isEqualTo("OxfordPets");
        assertThat(Datasets.canonicalName("OxfordPets")).isEqualTo("OxfordPets");
        assertThat(Datasets.canonicalName("caltech-101")).isEqualTo("Caltech101");
        assertThat(Datasets.canonicalName("fgvc_aircraft")).isEqualTo("FGVCAircraft");
        assertThat(Datasets.canonicalName("imagefolder")).isEqualTo("ImageFolder");
        for (String name : Datasets.names()) {
            assertThat(Datasets.canonicalName(name.toLowerCase())).isEqualTo(name);
        }
    }

    @Test
    void unknownNameListsTheKnownOnesOnOneLine() {
        assertThatThrownBy(() -> Datasets.loader("mnist"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mnist'")
                .hasMessageContaining("ImageNet (imagenet)")
                .hasMessageContaining("DescribableTextures (dtd)")
                .hasMessageContaining("ImageFolder (imagefolder)")
                .hasMessageNotContaining("\n");
    }
}
