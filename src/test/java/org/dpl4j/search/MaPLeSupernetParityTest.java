package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.MaPLe;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.StreamMethod;
import org.dpl4j.prompts.StreamPrompts;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.dpl4j.training.Losses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MaPLe supernet with one-hot alphas is MaPLe with that layout (docs/design.md §5, "Searching MaPLe"):
 * on MaPLe's published layout (2 tokens, depth 9 capped at the tiny model's 3 blocks) its logits, loss and the
 * gradients of the active prompts equal golden/maple.safetensors (the official trainer) and dpl4j's MaPLe within
 * 1e-5; on layouts that carry prompts on (a block choosing 0) and change lengths between blocks, it equals
 * MaPLe with those per-block lengths. Inactive candidates get exactly zero gradient.
 */
class MaPLeSupernetParityTest {
    static final List<Integer> CANDIDATES = List.of(0, 1, 2, 3);
    static final float BOUND = 1e-5f;

    @Test
    void oneHotOnThePublishedLayoutIsTheOfficialMaPLe() throws Exception {
        try (Scope s = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors("maple.safetensors");
            List<String> names = new ObjectMapper().readValue(Golden.metadata("maple.safetensors").get("classnames"),
                    new TypeReference<List<String>>() {});
            try (StreamPrompts maple = MaPLe.of(g, clip)) {
                assertThat(maple.layout().text()).containsExactly(2, 2, 2);
                Result r = compare(clip, maple, names, g.get("images"), labels(g));
                // against the official trainer
                float el = Golden.maxAbsDiff(r.logits, g.get("logits"));
                float eloss = Math.abs(r.loss - Tensors.item(g.get("loss")));
                float eg = 0;
                for (Map.Entry<String, Tensor> e : r.gradsByMaPLeName.entrySet()) {
                    eg = Math.max(eg, Golden.maxAbsDiff(e.getValue(), g.get("grad." + e.getKey())));
                }
                System.out.printf("maple supernet vs golden: logits %.2e loss %.2e grads abs %.2e; vs dpl4j MaPLe: %s%n",
                        el, eloss, eg, r);
                assertThat(el).as("logits vs golden").isLessThanOrEqualTo(BOUND);
                assertThat(eloss).as("loss vs golden").isLessThanOrEqualTo(BOUND);
                assertThat(eg).as("gradients vs golden").isLessThanOrEqualTo(BOUND);
            }
        }
    }

    /** Layouts of the 3-block tiny model: block 0's context, then per block 1..2 a candidate (0 = carry on). */
    @ParameterizedTest
    @ValueSource(strings = {"2,0,0", "2,3,0", "2,0,1", "2,1,3", "2,3,2"})
    void oneHotOnOtherLayoutsIsMaPLeWithThoseLengths(String layout) throws Exception {
        int[] lengths = java.util.Arrays.stream(layout.split(",")).mapToInt(Integer::parseInt).toArray();
        try (Scope s = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Map<String, Tensor> g = Golden.tensors("maple.safetensors");
            try (StreamPrompts maple = MaPLe.init(clip, lengths, 0.5f, 11)) {
                Result r = compare(clip, maple, List.of("cat", "dog", "golden retriever", "airplane", "red car"),
                        g.get("images"), labels(g));
                System.out.printf("maple supernet one-hot %s vs MaPLe: %s%n", layout, r);
            }
        }
    }

    @Test
    void derivedLayoutFollowsTheArgmaxAndTrainsAsMaPLe() throws Exception {
        try (Scope s = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null);
                StreamSupernet net = StreamSupernet.init(StreamMethod.MAPLE, clip, CANDIDATES, 3)) {
            AlphaSnapshot snap = new AlphaSnapshot(1, CANDIDATES, new float[][] {{0.1f, 0.2f, 0.3f, 0.4f}, {0.7f, 0.1f, 0.1f, 0.1f}},
                    new float[][] {{0.1f, 0.2f, 0.3f, 0.4f}, {0.7f, 0.1f, 0.1f, 0.1f}});
            PromptConfig cfg = net.layout(snap);
            assertThat(cfg).isEqualTo(new PromptConfig(List.of(0, 3, 0), List.of(2, 3, 0), 2));
            assertThat(MaPLe.lengthsOf(cfg, clip.config())).containsExactly(2, 3);
            assertThat(net.alphaParameters().get(StreamSupernet.alphaName(StreamMethod.MAPLE, org.dpl4j.model.Branch.TEXT)).size(0)).isEqualTo(2);
        }
    }

    private static int[] labels(Map<String, Tensor> g) {
        long[] l = Tensors.toLongs(g.get("labels"));
        int[] labels = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            labels[i] = (int) l[i];
        }
        return labels;
    }

    /** The supernet's logits, loss and the gradients of MaPLe's tensors, and their largest differences from MaPLe's own. */
    static final class Result {
        Tensor logits;
        float loss;
        Map<String, Tensor> gradsByMaPLeName = new LinkedHashMap<>();
        float logitsErr;
        float lossErr;
        float gradErr;

        @Override
        public String toString() {
            return String.format("logits %.2e loss %.2e grads abs %.2e", logitsErr, lossErr, gradErr);
        }
    }

    /**
     * Builds the supernet with one-hot alphas on MaPLe's layout, MaPLe's tensors in the active candidates (the other
     * candidates random), and compares logits, loss and gradients with MaPLe's; asserts {@link #BOUND} and zero
     * gradient for the inactive candidates.
     */
    static Result compare(ClipModel clip, StreamPrompts maple, List<String> classNames, Tensor images, int[] labels) {
        int[] lengths = maple.layout().text().stream().mapToInt(Integer::intValue).toArray();
        Map<String, Tensor> values = new LinkedHashMap<>();
        Map<String, String> supernetToMaPLe = new LinkedHashMap<>();
        try (StreamSupernet base = StreamSupernet.init(StreamMethod.MAPLE, clip, CANDIDATES, 7)) {
            int blocks = base.blocks(org.dpl4j.model.Branch.TEXT);
            float[] a = new float[(blocks - 1) * CANDIDATES.size()];
            for (int l = 1; l < blocks; l++) {
                int n = l < lengths.length ? lengths[l] : 0;
                for (int k = 0; k < CANDIDATES.size(); k++) {
                    a[(l - 1) * CANDIDATES.size() + k] = CANDIDATES.get(k) == n ? 0f : -1e4f; // softmax: exactly one-hot
                }
            }
            values.put(StreamSupernet.alphaName(StreamMethod.MAPLE, org.dpl4j.model.Branch.TEXT), Tensors.floats(a, null, blocks - 1, CANDIDATES.size()));
            for (Map.Entry<String, Tensor> e : base.promptParameters().entrySet()) {
                values.put(e.getKey(), e.getValue().detach().clone());
            }
            for (String n : List.of("ctx", "proj.weight", "proj.bias")) {
                supernetToMaPLe.put(n, n);
            }
            for (int l = 1; l < lengths.length; l++) {
                if (lengths[l] > 0) {
                    supernetToMaPLe.put(StreamSupernet.candidateName(StreamMethod.MAPLE, org.dpl4j.model.Branch.TEXT, l, CANDIDATES.indexOf(lengths[l])), MaPLe.textName(l));
                    supernetToMaPLe.put(MaPLe.couplingName(l) + ".weight", MaPLe.couplingName(l) + ".weight");
                    supernetToMaPLe.put(MaPLe.couplingName(l) + ".bias", MaPLe.couplingName(l) + ".bias");
                }
            }
            for (Map.Entry<String, String> e : supernetToMaPLe.entrySet()) {
                values.put(e.getKey(), maple.parameters().get(e.getValue()).detach().clone());
            }
        }
        Result r = new Result();
        try (StreamSupernet net = StreamSupernet.of(StreamMethod.MAPLE, values, clip, CANDIDATES)) {
            ClassTexts texts = net.texts(clip, classNames, "ignored {}");
            Tensor logits = clip.logits(net.imageFeatures(clip, images),
                    net.textFeatures(clip, texts));
            Tensor loss = Losses.crossEntropy(logits, labels);
            List<String> pnames = new ArrayList<>(net.promptParameters().keySet());
            List<Tensor> grads = Grads.of(loss, new ArrayList<>(net.promptParameters().values()));

            Tensor mLogits = maple.logits(clip, images, maple.texts(clip, classNames, List.of()));
            Tensor mLoss = Losses.crossEntropy(mLogits, labels);
            List<String> mnames = new ArrayList<>(maple.parameters().keySet());
            List<Tensor> mGrads = Grads.of(mLoss, new ArrayList<>(maple.parameters().values()));

            r.logits = logits;
            r.loss = Tensors.item(loss);
            r.logitsErr = Golden.maxAbsDiff(logits, mLogits);
            r.lossErr = Math.abs(r.loss - Tensors.item(mLoss));
            for (int i = 0; i < pnames.size(); i++) {
                String m = supernetToMaPLe.get(pnames.get(i));
                if (m != null) {
                    r.gradsByMaPLeName.put(m, grads.get(i));
                    r.gradErr = Math.max(r.gradErr, Golden.maxAbsDiff(grads.get(i), mGrads.get(mnames.indexOf(m))));
                } else if (pnames.get(i).startsWith("compound_prompts_text.")) {
                    assertThat(Tensors.toFloats(grads.get(i).abs().max())[0]).as("gradient of inactive " + pnames.get(i))
                            .isEqualTo(0f);
                }
            }
            assertThat(r.gradsByMaPLeName.keySet()).containsExactlyInAnyOrderElementsOf(mnames);
        }
        assertThat(r.logitsErr).as("logits vs MaPLe").isLessThanOrEqualTo(BOUND);
        assertThat(r.lossErr).as("loss vs MaPLe").isLessThanOrEqualTo(BOUND);
        assertThat(r.gradErr).as("gradients vs MaPLe").isLessThanOrEqualTo(BOUND);
        return r;
    }
}
