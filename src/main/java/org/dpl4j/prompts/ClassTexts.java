package org.dpl4j.prompts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.TextEncoder;
import org.dpl4j.model.text.ClipTokenizer;

/**
 * The frozen text input of every class: token embeddings (C, 77, W) and the EOT read-out index.
 * With several templates the embeddings are averaged position by position and the EOT index is
 * the last template's, exactly as DPL's "ensemble" input (docs/design.md §7).
 */
public record ClassTexts(List<String> classNames, NDArray embeddings, int[] eot) {

    /**
     * With {@code contextTokens} > 0 the input is CoOp's "X X ... X {class}.", whose X positions
     * (1..n) are replaced by the learned context at every forward ({@link #input}).
     */
    public static ClassTexts build(ClipModel clip, List<String> classNames, List<String> templates, int contextTokens,
            NDManager manager) {
        if (contextTokens > 0) {
            return build(clip, classNames, List.of("X ".repeat(contextTokens) + "{}."), manager);
        }
        return build(clip, classNames, templates, manager);
    }

    public static ClassTexts build(ClipModel clip, List<String> classNames, List<String> templates, NDManager manager) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no templates");
        }
        ClipTokenizer tok = ClipTokenizer.load();
        int ctx = clip.config().contextLength();
        NDArray sum = null;
        long[][] last = null;
        for (String t : templates) {
            long[][] tokens = tok.tokenize(classNames.stream().map(c -> Templates.fill(t, c)).toList(), ctx);
            NDArray e = clip.text().embed(manager, tokens);
            sum = sum == null ? e : sum.addi(e);
            last = tokens;
        }
        NDArray mean = templates.size() == 1 ? sum : sum.divi(templates.size());
        return new ClassTexts(List.copyOf(classNames), mean, TextEncoder.eotIndices(last));
    }

    /**
     * The token embeddings to encode, in {@code scope}: the frozen ones, or with positions
     * 1..n replaced by the learned {@code context} (n × W), broadcast over classes.
     */
    public NDArray input(NDManager scope, NDArray context) {
        if (context == null) {
            return embeddings;
        }
        long c = embeddings.getShape().get(0);
        long n = context.getShape().get(0);
        NDArray ctx = org.dpl4j.model.Ops.into(scope, context).expandDims(0).broadcast(new ai.djl.ndarray.types.Shape(c, n, context.getShape().get(1)));
        return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(
                embeddings.get(scope, new ai.djl.ndarray.index.NDIndex(":, :1")), ctx,
                embeddings.get(scope, new ai.djl.ndarray.index.NDIndex(":, {}:", 1 + n))), 1);
    }

    public int size() {
        return classNames.size();
    }
}
