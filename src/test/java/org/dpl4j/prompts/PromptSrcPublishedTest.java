package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import org.dpl4j.data.Datasets;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.prompts.PromptSrcPublished.Protocol;
import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.TrainSettings;
import org.junit.jupiter.api.Test;

/**
 * PromptSRC's published configs as dpl4j reads them (configs/trainers/PromptSRC/*.yaml @ bb95c77):
 * the three protocols' epochs, depth and GPA, the few-shot 45/5 datasets named as dpl4j names them,
 * the layout ({@link StreamMethod#PROMPTSRC}'s tokens at the config's depth), and MethodDefaults' train
 * settings for {@code promptsrc}.
 */
class PromptSrcPublishedTest {

    @Test
    void eachProtocolHasItsConfig() {
        assertConfig(PromptSrcPublished.of(Protocol.FEW_SHOT, "OxfordPets"), 50, 9, 30, 30);
        assertConfig(PromptSrcPublished.of(Protocol.FEW_SHOT, null), 50, 9, 30, 30);
        for (String d : new String[] {"StanfordCars", "OxfordFlowers", "FGVCAircraft", "DescribableTextures", "EuroSAT"}) {
            assertConfig(PromptSrcPublished.of(Protocol.FEW_SHOT, d), 50, 9, 45, 5);
            assertConfig(PromptSrcPublished.of(Protocol.BASE_TO_NEW, d), 20, 9, 15, 1);
        }
        assertConfig(PromptSrcPublished.of(Protocol.BASE_TO_NEW, "ImageNet"), 20, 9, 15, 1);
        assertConfig(PromptSrcPublished.of(Protocol.CROSS_DATASET, "ImageNet"), 20, 3, 6, 10);
    }

    @Test
    void theGpa45DatasetsAreNamedAsDatasetsNamesThem() {
        for (String d : PromptSrcPublished.GPA_45_5_DATASETS) {
            assertThat(Datasets.canonicalName(d)).as("canonical name of %s", d).isEqualTo(d);
        }
    }

    @Test
    void methodDefaultsAreTheFewShotConfig() {
        TrainSettings s = MethodDefaults.of(PromptSrcPublished.METHOD);
        assertThat(new Object[] {s.sgd().lr(), s.batchSize(), s.epochs(), s.textInput(), s.sgd().momentum(), s.sgd().weightDecay(),
            s.sgd().warmupEpochs(), s.sgd().warmupLr()}).containsExactly(0.0025f, 4, 50, "a photo of a {}.", 0.9f, 5e-4f, 1, 1e-5f);
        assertThat(MethodDefaults.promptSrc(PromptSrcPublished.of(Protocol.BASE_TO_NEW, null)).epochs()).isEqualTo(20);
    }

    /** What `train` and `run` start from: the base-to-new config for base classes, the dataset's GPA for few-shot. */
    @Test
    void runsGetTheirProtocolsAndDatasetsConfig() {
        TrainSettings fewShot = MethodDefaults.of(PromptSrcPublished.METHOD, "all");
        assertThat(fewShot).isEqualTo(MethodDefaults.of(PromptSrcPublished.METHOD));
        assertGpa(MethodDefaults.forDataset(fewShot, "dtd"), 50, 45, 5);
        assertGpa(MethodDefaults.forDataset(fewShot, "DescribableTextures"), 50, 45, 5);
        assertGpa(MethodDefaults.forDataset(fewShot, "oxford_pets"), 50, 30, 30);
        assertGpa(MethodDefaults.forDataset(fewShot, "my-image-folder"), 50, 30, 30);
        // an epoch count given as an option stays; the GPA still follows the dataset
        assertGpa(MethodDefaults.forDataset(fewShot.toBuilder().epochs(10).build(), "eurosat"), 10, 45, 5);
        TrainSettings baseToNew = MethodDefaults.of(PromptSrcPublished.METHOD, "base");
        assertGpa(baseToNew, 20, 15, 1);
        assertGpa(MethodDefaults.forDataset(baseToNew, "dtd"), 20, 15, 1);
        // every other method is left as it is
        TrainSettings maple = MethodDefaults.of("maple", "base");
        assertThat(maple).isEqualTo(MethodDefaults.of("maple"));
        assertThat(MethodDefaults.forDataset(maple, "dtd")).isEqualTo(maple);
    }

    private static void assertGpa(TrainSettings s, int epochs, double mean, double std) {
        assertThat(new Object[] {s.epochs(), s.selfRegulation().gpaMean(), s.selfRegulation().gpaStd()})
                .containsExactly(epochs, mean, std);
    }

    @Test
    void theLayoutIsPromptSrcsTokensAtTheConfigsDepthCappedAtTheModel() {
        ClipConfig vitB16 = ClipConfig.vitB16();
        StreamLayout fewShot = PromptSrcPublished.of(Protocol.FEW_SHOT, null).layout(vitB16);
        assertThat(fewShot).isEqualTo(StreamMethod.PROMPTSRC.published(vitB16));
        assertThat(fewShot.text()).containsExactly(4, 4, 4, 4, 4, 4, 4, 4, 4);
        assertThat(fewShot.vision()).containsExactly(4, 4, 4, 4, 4, 4, 4, 4, 4);
        StreamLayout xd = PromptSrcPublished.of(Protocol.CROSS_DATASET, "ImageNet").layout(vitB16);
        assertThat(xd.text()).containsExactly(4, 4, 4);
        assertThat(xd.vision()).containsExactly(4, 4, 4);
        assertThat(xd.coupled()).isFalse();
    }

    private static void assertConfig(PromptSrcPublished p, int epochs, int depth, double mean, double std) {
        assertThat(new Object[] {p.epochs(), p.depth(), p.gpaMean(), p.gpaStd()})
                .as(p.config()).containsExactly(epochs, depth, mean, std);
        assertThat(new Object[] {p.lr(), p.batchSize(), p.textLossWeight(), p.imageLossWeight()})
                .as(p.config()).containsExactly(0.0025f, 4, 25f, 10f);
    }
}
