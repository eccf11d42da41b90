package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TemplatesTest {

    @Test
    void ensembleIsTheReference60InOrder() {
        assertThat(Templates.ENSEMBLE).hasSize(60).doesNotHaveDuplicates();
        assertThat(Templates.ENSEMBLE.get(0)).isEqualTo("a photo of a {}.");
        assertThat(Templates.ENSEMBLE.get(1)).isEqualTo("a bad photo of a {}.");
        assertThat(Templates.ENSEMBLE.get(36)).isEqualTo("a {} in a video game.");
        assertThat(Templates.ENSEMBLE.get(59)).isEqualTo("itap of the {}.");
        assertThat(Templates.ENSEMBLE).allSatisfy(t -> assertThat(t).containsOnlyOnce("{}").endsWith("."));
        assertThatThrownBy(() -> Templates.ENSEMBLE.add("x {}")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void customTemplatesUseCoopDatasetNames() {
        assertThat(Templates.CUSTOM).containsKeys("OxfordPets", "OxfordFlowers", "FGVCAircraft", "DescribableTextures",
                "EuroSAT", "StanfordCars", "Food101", "SUN397", "Caltech101", "UCF101", "ImageNet");
        assertThat(Templates.CUSTOM).hasSize(15);
        assertThat(Templates.CUSTOM.get("OxfordPets")).isEqualTo("a type of pet, a photo of a {}.");
        assertThat(Templates.CUSTOM.get("EuroSAT")).isEqualTo("a centered satellite photo of {}.");
        assertThat(Templates.CUSTOM.get("DescribableTextures")).isEqualTo("a texture of {}.");
        assertThat(Templates.CUSTOM.get("UCF101")).isEqualTo("a photo of a person doing {}.");
        assertThat(Templates.CUSTOM.values()).allSatisfy(t -> assertThat(t).contains("{}"));
    }

    @Test
    void fillReplacesPlaceholderAndUnderscores() {
        assertThat(Templates.fill(Templates.DEFAULT, "golden_retriever")).isEqualTo("a photo of a golden retriever.");
        assertThat(Templates.fill("itap of the {}.", "Faces_easy")).isEqualTo("itap of the Faces easy.");
        assertThat(Templates.fill("{} and {}", "a_b")).isEqualTo("a b and a b");
        assertThat(Templates.fill("a centered satellite photo of {}.", "Annual Crop Land"))
                .isEqualTo("a centered satellite photo of Annual Crop Land.");
        assertThatThrownBy(() -> Templates.fill("a photo", "cat")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{}");
    }

    @Test
    void resolveKnownSpecs() {
        assertThat(Templates.resolve("default", "OxfordPets")).containsExactly("a photo of a {}.");
        assertThat(Templates.resolve("ensemble", null)).isEqualTo(Templates.ENSEMBLE);
        assertThat(Templates.resolve("custom", "OxfordPets")).containsExactly("a type of pet, a photo of a {}.");
        assertThat(Templates.resolve("custom", "EuroSAT")).containsExactly("a centered satellite photo of {}.");
        assertThat(Templates.resolve("a blurry photo of {}, a bird.", "CUB")).containsExactly("a blurry photo of {}, a bird.");
    }

    @Test
    void customForUnknownDatasetNamesIt() {
        assertThatThrownBy(() -> Templates.resolve("custom", "cifar10")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cifar10").hasMessageContaining("OxfordPets");
        assertThatThrownBy(() -> Templates.resolve("custom", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void unknownSpecListsChoicesOnOneLine() {
        for (String bad : List.of("Default", "ensembles", "a photo of a cat.", "")) {
            assertThatThrownBy(() -> Templates.resolve(bad, "OxfordPets"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContainingAll("default", "custom", "ensemble", "{}")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> Templates.resolve(null, "OxfordPets")).isInstanceOf(IllegalArgumentException.class);
    }
}
