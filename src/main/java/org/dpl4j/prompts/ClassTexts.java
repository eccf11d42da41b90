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
 * the last template's, exactly as DPL's "ensemble" input (DESIGN.md §6).
 */
public record ClassTexts(List<String> classNames, NDArray embeddings, int[] eot) {

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

    public int size() {
        return classNames.size();
    }
}
