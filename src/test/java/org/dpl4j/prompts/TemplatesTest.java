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
    void handcraftedTemplatesAreCoopsZeroShotOnes() {
        // CUSTOM_TEMPLATES of CoOp's trainers/zsclip.py
        assertThat(Templates.HANDCRAFTED).hasSize(15).containsKeys(Templates.CUSTOM.keySet().toArray(String[]::new));
        assertThat(Templates.HANDCRAFTED.get("OxfordPets")).isEqualTo("a photo of a {}, a type of pet.");
        assertThat(Templates.HANDCRAFTED.get("OxfordFlowers")).isEqualTo("a photo of a {}, a type of flower.");
        assertThat(Templates.HANDCRAFTED.get("FGVCAircraft")).isEqualTo("a photo of a {}, a type of aircraft.");
        assertThat(Templates.HANDCRAFTED.get("DescribableTextures")).isEqualTo("{} texture.");
        assertThat(Templates.HANDCRAFTED.get("EuroSAT")).isEqualTo("a centered satellite photo of {}.");
        assertThat(Templates.HANDCRAFTED.get("Food101")).isEqualTo("a photo of {}, a type of food.");
        assertThat(Templates.HANDCRAFTED.get("UCF101")).isEqualTo("a photo of a person doing {}.");
        for (String d : List.of("StanfordCars", "SUN397", "Caltech101", "ImageNet", "ImageNetSketch", "ImageNetV2",
                "ImageNetA", "ImageNetR")) {
            assertThat(Templates.HANDCRAFTED.get(d)).as(d).isEqualTo("a photo of a {}.");
        }
        assertThat(Templates.resolve("handcrafted", "DescribableTextures")).containsExactly("{} texture.");
        // an image folder has none: CLIP's standard prompt
        assertThat(Templates.resolve("handcrafted", "fashion_mnist")).containsExactly(Templates.DEFAULT);
    }

    @Test
    void zeroShotBaselinesByName() {
        assertThat(ZeroShotBaseline.named("zeroshot")).contains(ZeroShotBaseline.HANDCRAFTED);
        assertThat(ZeroShotBaseline.named("Zero-Shot")).contains(ZeroShotBaseline.HANDCRAFTED);
        assertThat(ZeroShotBaseline.named("clip")).contains(ZeroShotBaseline.HANDCRAFTED);
        assertThat(ZeroShotBaseline.named("zeroshot-ensemble")).contains(ZeroShotBaseline.ENSEMBLE);
        assertThat(ZeroShotBaseline.named("ivlp")).isEmpty();
        assertThat(ZeroShotBaseline.HANDCRAFTED.templates()).isEqualTo("handcrafted");
        assertThat(ZeroShotBaseline.ENSEMBLE.templates()).isEqualTo("ensemble");
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
                    .hasMessageContainingAll("default", "custom", "handcrafted", "ensemble", "{}")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> Templates.resolve(null, "OxfordPets")).isInstanceOf(IllegalArgumentException.class);
    }
}
