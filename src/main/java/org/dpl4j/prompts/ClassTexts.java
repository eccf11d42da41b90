package org.dpl4j.prompts;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.TextEncoder;
import org.dpl4j.model.text.ClipTokenizer;
import org.dpl4j.tensor.Tensors;

/**
 * The frozen text input of every class: token embeddings (C, 77, W) and the EOT read-out index.
 * With several templates the embeddings are averaged position by position and the EOT index is
 * the last template's, exactly as DPL's "ensemble" input (docs/design.md §7).
 *
 * <p>The embeddings live in the scope that was current when the record was built (a run's or a
 * test's); keep that scope open for as long as the record is used.
 */
public record ClassTexts(List<String> classNames, Tensor embeddings, int[] eot) {

    /**
     * With {@code contextTokens} > 0 the input is CoOp's "X X ... X {class}.", whose X positions
     * (1..n) are replaced by the learned context at every forward ({@link #input}).
     */
    public static ClassTexts build(ClipModel clip, List<String> classNames, List<String> templates, int contextTokens) {
        if (contextTokens > 0) {
            return build(clip, classNames, List.of("X ".repeat(contextTokens) + "{}."));
        }
        return build(clip, classNames, templates);
    }

    public static ClassTexts build(ClipModel clip, List<String> classNames, List<String> templates) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no templates");
        }
        ClipTokenizer tok = ClipTokenizer.load();
        int ctx = clip.config().contextLength();
        Tensor sum = null;
        long[][] last = null;
        for (String t : templates) {
            long[][] tokens = tok.tokenize(classNames.stream().map(c -> Templates.fill(t, c)).toList(), ctx);
            Tensor e = clip.text().embed(tokens);
            sum = sum == null ? e : sum.add(e);
            last = tokens;
        }
        Tensor mean = templates.size() == 1 ? sum : Tensors.div(sum, templates.size());
        return new ClassTexts(List.copyOf(classNames), mean, TextEncoder.eotIndices(last));
    }

    /**
     * The token embeddings to encode, in the caller's scope: the frozen ones, or with positions
     * 1..n replaced by the learned {@code context} (n × W), broadcast over classes.
     */
    public Tensor input(Tensor context) {
        if (context == null) {
            return embeddings;
        }
        long c = embeddings.size(0);
        long n = context.size(0);
        Tensor ctx = context.to(Tensors.dtype(embeddings)).unsqueeze(0).expand(c, n, context.size(1));
        return Tensors.cat(List.of(embeddings.narrow(1, 0, 1), ctx,
                embeddings.narrow(1, 1 + n, embeddings.size(1) - 1 - n)), 1);
    }

    public int size() {
        return classNames.size();
    }

    /**
     * The classes {@code rows} (indices into this record, in the order given) as a record of their own, in
     * the caller's scope: this record itself for all classes in order, a view for a contiguous ascending run,
     * else a copy of those rows (its consecutive runs concatenated: unlike {@code index_select}, {@code cat}
     * has a meta kernel, docs/design.md §11). Every class is encoded on its own, so a subset's features are
     * the rows of the whole set's (the text side's class chunks, docs/design.md §6.11).
     */
    public ClassTexts select(int[] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("no classes selected");
        }
        List<String> names = new ArrayList<>(rows.length);
        int[] e = new int[rows.length];
        List<Tensor> runs = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < rows.length; i++) {
            names.add(classNames.get(rows[i]));
            e[i] = eot[rows[i]];
            if (i + 1 == rows.length || rows[i + 1] != rows[i] + 1) {
                runs.add(embeddings.narrow(0, rows[start], i + 1 - start));
                start = i + 1;
            }
        }
        if (runs.size() == 1 && rows[0] == 0 && rows.length == size()) {
            return this;
        }
        return new ClassTexts(List.copyOf(names), runs.size() == 1 ? runs.get(0) : Tensors.cat(runs, 0), e);
    }
}
