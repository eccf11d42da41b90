package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.data.Sample;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.dpl4j.training.TextChunks;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two levels of the bilevel search touch only their own parameters: an alpha step leaves
 * every candidate prompt bit-identical, a prompt step every alpha, although each step's loss
 * back-propagates into both (golden tiny CLIP, the four golden supernet images and their labels).
 */
class BilevelStepIsolationTest {
    static final List<String> CLASSES = List.of("cat", "dog", "golden retriever", "airplane", "red car");

    Scope m;
    ClipModel clip;
    Supernet net;
    BilevelSearch search;
    ClassTexts texts;
    Batch batch;

    @BeforeEach
    void setUp() throws Exception {
        m = Scope.open();
        clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null);
        SearchSettings s = SearchSettings.defaults();
        net = Supernet.init(clip, s.candidates(), 5);
        search = new BilevelSearch(clip, s, Progress.NONE, line -> {});
        texts = ClassTexts.build(clip, CLASSES, List.of(s.template()));
        Map<String, Tensor> g = Golden.tensors("supernet.safetensors");
        long[] l = Tensors.toLongs(g.get("labels"));
        int[] labels = new int[l.length];
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < l.length; i++) {
            labels[i] = (int) l[i];
            samples.add(new Sample(Path.of("/golden/image" + i), labels[i], CLASSES.get(labels[i])));
        }
        batch = new Batch(Tensors.toFloats(g.get("images")), labels, samples);
    }

    @AfterEach
    void tearDown() {
        // null when the shared data is absent and the set-up skipped the test
        for (AutoCloseable c : new AutoCloseable[] {net, clip, m}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static Map<String, float[]> values(Map<String, Tensor> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, Tensors.toFloats(v)));
        return out;
    }

    /** Names of the tensors whose values are not bit-for-bit those of {@code before}. */
    private static List<String> changed(Map<String, float[]> before, Map<String, Tensor> now) {
        List<String> out = new ArrayList<>();
        now.forEach((k, v) -> {
            float[] a = before.get(k);
            float[] b = Tensors.toFloats(v);
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    out.add(k);
                    return;
                }
            }
        });
        return out;
    }

    @Test
    void alphaStepLeavesEveryPromptBitIdentical() {
        Map<String, float[]> prompts = values(net.promptParameters());
        Map<String, float[]> alphas = values(net.alphaParameters());
        BilevelSearch.StepOutcome o;
        try (Adam adam = new Adam(0.5f, 0.999f, 1e-8f, 0f, false)) {
            o = search.alphaStep(net, texts, TextChunks.plan(clip, texts), batch, adam);
        }
        assertThat(changed(prompts, net.promptParameters())).as("prompts changed by the alpha step").isEmpty();
        assertThat(changed(alphas, net.alphaParameters())).as("the step did update the alphas")
                .containsExactlyInAnyOrderElementsOf(net.alphaParameters().keySet());
        assertThat(o.loss()).isPositive();
    }

    @Test
    void promptStepLeavesEveryAlphaBitIdentical() {
        Map<String, float[]> alphas = values(net.alphaParameters());
        Map<String, float[]> prompts = values(net.promptParameters());
        BilevelSearch.StepOutcome o;
        try (Sgd sgd = new Sgd(0.9f, 5e-4f)) {
            o = search.promptStep(net, texts, TextChunks.plan(clip, texts), batch, sgd, 0.01f);
        }
        assertThat(changed(alphas, net.alphaParameters())).as("alphas changed by the prompt step").isEmpty();
        assertThat(changed(prompts, net.promptParameters())).as("the step did update the prompts")
                .containsExactlyInAnyOrderElementsOf(net.promptParameters().keySet());
        assertThat(o.loss()).isPositive();
    }
}
