package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.training.Losses;

/** The checks shared by the CoCoOp and MaPLe golden parity tests (golden/README.md, "Baselines"). */
final class BaselineGolden {
    private BaselineGolden() {}

    static List<String> classNames(String file) throws IOException {
        return new ObjectMapper().readValue(Golden.metadata(file).get("classnames"), new TypeReference<List<String>>() {});
    }

    /** Our tokens and embeddings of "a photo of a {c}." are the official ones; the context positions are 1..n. */
    static void assertTextInput(ClassTexts texts, Map<String, Tensor> g, int nCtx) {
        long[][] tokens = Golden.tokens(g.get("tokenized_prompts"));
        int[] eot = org.dpl4j.model.TextEncoder.eotIndices(tokens);
        assertThat(texts.eot()).isEqualTo(eot);
        Tensor e = texts.embeddings();
        assertThat(Golden.maxAbsDiff(e.narrow(1, 0, 1), g.get("token_prefix"))).isEqualTo(0f);
        assertThat(Golden.maxAbsDiff(e.narrow(1, 1 + nCtx, e.size(1) - 1 - nCtx), g.get("token_suffix"))).isEqualTo(0f);
    }

    static void report(String tensor, float error, float bound) {
        System.out.printf("  %-50s %.2e%n", tensor, error);
        assertThat(error).as(tensor).isLessThanOrEqualTo(bound);
    }

    /**
     * One forward/backward from the stored initial values: logits and loss within 1e-4 absolute,
     * the gradient of every learnable tensor within 1e-4 relative; {@code params} must be exactly
     * the file's {@code grad.*} tensors.
     */
    static void checkLogitsLossGradients(Map<String, Tensor> g, Map<String, Tensor> params, int classes,
            Supplier<Tensor> logitsOf) {
        checkLogitsLossGradients(g, params, classes, logitsOf, 1e-4f);
    }

    /** As above, with logits and loss within {@code bound} absolute. */
    static void checkLogitsLossGradients(Map<String, Tensor> g, Map<String, Tensor> params, int classes,
            Supplier<Tensor> logitsOf, float bound) {
        long[] l = Tensors.toLongs(g.get("labels"));
        int[] labels = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            labels[i] = (int) l[i];
        }
        Tensor logits = logitsOf.get();
        Tensor loss = Losses.crossEntropy(logits, labels);
        List<String> names = new ArrayList<>(params.keySet());
        List<Tensor> grads = Grads.of(loss, new ArrayList<>(params.values()));
        assertThat(logits.size(1)).isEqualTo(classes);
        report("logits", Golden.maxAbsDiff(logits, g.get("logits")), bound);
        report("loss", Math.abs(Tensors.item(loss) - Tensors.item(g.get("loss"))), bound);
        List<String> expected = g.keySet().stream().filter(k -> k.startsWith("grad.")).map(k -> k.substring(5)).sorted().toList();
        assertThat(names.stream().sorted().toList()).isEqualTo(expected);
        for (int i = 0; i < names.size(); i++) {
            report("grad." + names.get(i) + " (rel)", Golden.maxRelDiff(grads.get(i), g.get("grad." + names.get(i))), 1e-4f);
        }
    }
}
