package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.dpl4j.testutil.Golden;
import org.dpl4j.training.Losses;

/** The checks shared by the CoCoOp and MaPLe golden parity tests (golden/README.md, "Baselines"). */
final class BaselineGolden {
    private BaselineGolden() {}

    static List<String> classNames(String file) throws IOException {
        return new ObjectMapper().readValue(Golden.metadata(file).get("classnames"), new TypeReference<List<String>>() {});
    }

    /** Our tokens and embeddings of "a photo of a {c}." are the official ones; the context positions are 1..n. */
    static void assertTextInput(ClassTexts texts, Map<String, NDArray> g, int nCtx) {
        long[][] tokens = Golden.tokens(g.get("tokenized_prompts"));
        int[] eot = org.dpl4j.model.TextEncoder.eotIndices(tokens);
        assertThat(texts.eot()).isEqualTo(eot);
        assertThat(Golden.maxAbsDiff(texts.embeddings().get(new NDIndex(":, :1")), g.get("token_prefix"))).isEqualTo(0f);
        assertThat(Golden.maxAbsDiff(texts.embeddings().get(new NDIndex(":, {}:", 1 + nCtx)), g.get("token_suffix"))).isEqualTo(0f);
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
    static void checkLogitsLossGradients(Map<String, NDArray> g, Map<String, NDArray> params, int classes,
            Supplier<NDArray> logitsOf) {
        long[] l = g.get("labels").toLongArray();
        int[] labels = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            labels[i] = (int) l[i];
        }
        NDArray logits;
        NDArray loss;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            logits = logitsOf.get();
            loss = Losses.crossEntropy(logits, labels);
            gc.backward(loss);
        }
        assertThat(logits.getShape().get(1)).isEqualTo(classes);
        report("logits", Golden.maxAbsDiff(logits, g.get("logits")), 1e-4f);
        report("loss", Math.abs(loss.getFloat() - g.get("loss").getFloat()), 1e-4f);
        List<String> expected = g.keySet().stream().filter(k -> k.startsWith("grad.")).map(k -> k.substring(5)).sorted().toList();
        assertThat(params.keySet().stream().sorted().toList()).isEqualTo(expected);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            report("grad." + e.getKey() + " (rel)", Golden.maxRelDiff(e.getValue().getGradient(), g.get("grad." + e.getKey())), 1e-4f);
        }
    }
}
