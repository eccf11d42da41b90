package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.model.text.ClipTokenizer;
import org.dpl4j.prompts.Templates;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.Test;

/**
 * PromptSRC's frozen branch against golden/promptsrc.safetensors (the official prompt learner on the
 * golden tiny CLIP): the 60 templates and their token ids are the official ones, and
 * {@code fixed_embeddings} (mean of the unnormalised template features), its normalisation, the
 * zero-shot image features before and after normalisation and {@code zero_shot_logits} match within
 * 1e-5 absolute.
 */
class FrozenBranchParityTest {
    static final String FILE = "promptsrc.safetensors";
    static final float TOL = 1e-5f;

    @Test
    void templatesAreTheOfficialOnesAndTokenizeAsTheOfficialCode() throws Exception {
        Map<String, String> meta = Golden.metadata(FILE);
        List<String> official = new ObjectMapper().readValue(meta.get("templates"), new TypeReference<List<String>>() {});
        assertThat(Templates.ENSEMBLE).containsExactlyElementsOf(official);
        List<String> classes = classNames(meta);
        try (Scope s = Scope.open()) {
            long[] expected = Tensors.toLongs(Golden.tensors(FILE).get("template_tokens"));
            ClipTokenizer tok = ClipTokenizer.load();
            int i = 0;
            for (String t : Templates.ENSEMBLE) {
                for (long[] row : tok.tokenize(classes.stream().map(c -> Templates.fill(t, c)).toList(), 77)) {
                    for (long id : row) {
                        assertThat(id).as("token %d of template '%s'", i % 77, t).isEqualTo(expected[i++]);
                    }
                }
            }
            assertThat(i).isEqualTo(expected.length);
        }
    }

    @Test
    void fixedEmbeddingsZeroShotImageFeaturesAndLogitsMatchTheOfficialPromptLearner() throws Exception {
        Map<String, String> meta = Golden.metadata(FILE);
        try (Scope s = Scope.open();
                ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null);
                FrozenBranch frozen = FrozenBranch.build(clip, classNames(meta), 64, Progress.NONE)) {
            Map<String, Tensor> g = Golden.tensors(FILE);
            Tensor images = g.get("images");
            FrozenBranch.Targets t = frozen.targets(images);
            check("fixed_embeddings", frozen.fixedEmbeddings(), g);
            check("fixed_embeddings_norm", frozen.fixedEmbeddingsNorm(), g);
            check("zs_image_features", FeatureExtractor.images(clip, images), g);
            check("zs_image_features_norm", t.imageNorm(), g);
            check("zero_shot_logits", t.logits(), g);
            assertThat(t.imageNorm().requires_grad()).isFalse();
            assertThat(t.logits().requires_grad()).isFalse();
        }
    }

    static List<String> classNames(Map<String, String> meta) throws Exception {
        return new ObjectMapper().readValue(meta.get("classnames"), new TypeReference<List<String>>() {});
    }

    private static void check(String name, Tensor actual, Map<String, Tensor> g) {
        float err = Golden.maxAbsDiff(actual, g.get(name));
        System.out.printf("  promptsrc %-24s max |diff| %.2e (max |value| %.2e)%n", name, err, Tensors.item(g.get(name).abs().max()));
        assertThat(err).as(name).isLessThanOrEqualTo(TOL);
    }
}
