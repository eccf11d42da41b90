package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.StreamLayout;
import org.dpl4j.prompts.StreamMethod;
import org.dpl4j.prompts.StreamPrompts;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.dpl4j.training.Losses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PromptSRC search space (dpl-promptsrc) with one-hot alphas is PromptSRC's prompts with that layout: text and
 * vision lengths chosen independently per block (0 carries the previous block's tokens on), block 1 keeping
 * PromptSRC's 4 + 4 input prompts. Logits, loss and the gradients of the active prompts equal {@link StreamPrompts}
 * with that layout within 1e-5 (gradients 1e-4 relative; on the published layout the golden file's prompts, whose logits the official trainer
 * made, are used and compared too); inactive candidates get exactly zero gradient.
 */
class PromptSrcSupernetParityTest {
    static final List<Integer> CANDIDATES = List.of(0, 1, 2, 4);
    static final float BOUND = 1e-5f;
    static final StreamMethod M = StreamMethod.PROMPTSRC;

    @ParameterizedTest(name = "text {0}")
    @ValueSource(strings = {"4,4,4/4,4,4", "4,0,2/4,1,0", "4,1,4/4,4,1", "4,2,0/4,0,0"})
    void oneHotIsPromptSrcWithThatLayout(String layout) throws Exception {
        String[] towers = layout.split("/");
        List<Integer> text = Arrays.stream(towers[0].split(",")).map(Integer::valueOf).toList();
        List<Integer> vision = Arrays.stream(towers[1].split(",")).map(Integer::valueOf).toList();
        boolean published = text.equals(List.of(4, 4, 4)) && vision.equals(List.of(4, 4, 4));
        try (Scope s = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors("promptsrc.safetensors");
            List<String> names = new ObjectMapper().readValue(Golden.metadata("promptsrc.safetensors").get("classnames"),
                    new TypeReference<List<String>>() {});
            try (StreamPrompts src = published ? StreamPrompts.of(M.id(), false, g, clip)
                    : StreamPrompts.init(M.id(), new StreamLayout(text, vision, false), clip, 0.5f, 11)) {
                assertThat(src.layout()).isEqualTo(new StreamLayout(text, vision, false));
                long[] l = Tensors.toLongs(g.get("labels"));
                int[] labels = Arrays.stream(l).mapToInt(x -> (int) x).toArray();
                Tensor logits = compare(clip, src, names, g.get("images"), labels);
                if (published) {
                    float e = Golden.maxAbsDiff(logits, g.get("logits"));
                    System.out.printf("promptsrc supernet one-hot vs official logits: %.2e%n", e);
                    assertThat(e).isLessThanOrEqualTo(BOUND);
                }
            }
        }
    }

    /** One-hot supernet with {@code src}'s tensors in the active candidates: logits, loss, gradients as {@code src}'s. */
    static Tensor compare(ClipModel clip, StreamPrompts src, List<String> classNames, Tensor images, int[] labels) {
        StreamLayout layout = src.layout();
        Map<String, Tensor> values = new LinkedHashMap<>();
        Map<String, String> toSrc = new LinkedHashMap<>();
        try (StreamSupernet base = StreamSupernet.init(M, clip, CANDIDATES, 7)) {
            for (Branch b : List.of(Branch.TEXT, Branch.IMAGE)) {
                List<Integer> lengths = b == Branch.TEXT ? layout.text() : layout.vision();
                int rows = base.blocks(b) - 1;
                float[] a = new float[rows * CANDIDATES.size()];
                for (int block = 1; block <= rows; block++) {
                    int n = block < lengths.size() ? lengths.get(block) : 0;
                    for (int k = 0; k < CANDIDATES.size(); k++) {
                        a[(block - 1) * CANDIDATES.size() + k] = CANDIDATES.get(k) == n ? 0f : -1e4f; // exactly one-hot
                    }
                    if (n > 0) {
                        toSrc.put(StreamSupernet.candidateName(M, b, block, CANDIDATES.indexOf(n)),
                                b == Branch.TEXT ? StreamPrompts.textName(block, false) : StreamPrompts.visionName(block));
                    }
                }
                values.put(StreamSupernet.alphaName(M, b), Tensors.floats(a, null, rows, CANDIDATES.size()));
            }
            for (Map.Entry<String, Tensor> e : base.promptParameters().entrySet()) {
                values.put(e.getKey(), e.getValue().detach().clone());
            }
            toSrc.put(StreamPrompts.CONTEXT, StreamPrompts.CONTEXT);
            toSrc.put(StreamPrompts.VISION_INPUT, StreamPrompts.VISION_INPUT);
            for (Map.Entry<String, String> e : toSrc.entrySet()) {
                values.put(e.getKey(), src.parameters().get(e.getValue()).detach().clone());
            }
        }
        try (StreamSupernet net = StreamSupernet.of(M, values, clip, CANDIDATES)) {
            ClassTexts texts = net.texts(clip, classNames, "ignored {}");
            Tensor logits = clip.logits(net.imageFeatures(clip, images), net.textFeatures(clip, texts));
            Tensor loss = Losses.crossEntropy(logits, labels);
            List<String> pnames = new ArrayList<>(net.promptParameters().keySet());
            List<Tensor> grads = Grads.of(loss, new ArrayList<>(net.promptParameters().values()));

            Tensor sLogits = src.logits(clip, images, src.texts(clip, classNames, List.of()));
            Tensor sLoss = Losses.crossEntropy(sLogits, labels);
            List<String> snames = new ArrayList<>(src.parameters().keySet());
            List<Tensor> sGrads = Grads.of(sLoss, new ArrayList<>(src.parameters().values()));

            float el = Golden.maxAbsDiff(logits, sLogits);
            float eloss = Math.abs(Tensors.item(loss) - Tensors.item(sLoss));
            float eg = 0;
            List<String> matched = new ArrayList<>();
            for (int i = 0; i < pnames.size(); i++) {
                String m = toSrc.get(pnames.get(i));
                if (m != null) {
                    matched.add(m);
                    eg = Math.max(eg, Golden.maxRelDiff(grads.get(i), sGrads.get(snames.indexOf(m))));
                } else {
                    assertThat(Tensors.toFloats(grads.get(i).abs().max())[0]).as("gradient of inactive " + pnames.get(i))
                            .isEqualTo(0f);
                }
            }
            System.out.printf("promptsrc supernet one-hot %s / %s vs PromptSRC: logits %.2e loss %.2e grads rel %.2e%n",
                    layout.text(), layout.vision(), el, eloss, eg);
            assertThat(matched).containsExactlyInAnyOrderElementsOf(snames);
            assertThat(el).as("logits").isLessThanOrEqualTo(BOUND);
            assertThat(eloss).as("loss").isLessThanOrEqualTo(BOUND);
            assertThat(eg).as("gradients (relative)").isLessThanOrEqualTo(1e-4f);
            return logits;
        }
    }
}
