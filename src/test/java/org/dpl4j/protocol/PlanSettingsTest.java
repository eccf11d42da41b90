package org.dpl4j.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dpl4j.prompts.PromptSrcPublished;
import org.dpl4j.search.SearchSettings;
import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.TrainSettings;
import org.junit.jupiter.api.Test;

/** A protocol's units train with their dataset's share of the method's published config (PromptSRC's GPA). */
class PlanSettingsTest {

    @Test
    void eachUnitTrainsWithItsDatasetsGpa() {
        TrainSettings promptSrc = MethodDefaults.of(PromptSrcPublished.METHOD);
        Pipeline.Plan plan = new Pipeline.Plan(List.of("dtd", "oxford_pets"), Path.of("."), 16, List.of(1L), "all",
                List.of(PromptSrcPublished.METHOD), SearchSettings.defaults(), TrainSettings.defaults(),
                Map.of(PromptSrcPublished.METHOD, promptSrc));
        assertThat(plan.train(PromptSrcPublished.METHOD, "dtd").selfRegulation().gpaMean()).isEqualTo(45);
        assertThat(plan.train(PromptSrcPublished.METHOD, "oxford_pets").selfRegulation().gpaMean()).isEqualTo(30);
        assertThat(plan.train("dpl", "dtd")).isEqualTo(TrainSettings.defaults());
    }
}
