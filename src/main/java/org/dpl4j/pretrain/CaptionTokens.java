package org.dpl4j.pretrain;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.dpl4j.model.text.ClipTokenizer;

/**
 * The token ids of every caption the data can produce (classes × templates, a closed set), tokenized
 * once, and the compact vocabulary they use.
 *
 * <p><b>Why a compact vocabulary.</b> Of CLIP's 49408 token rows, captions built from a few
 * hundred class names and 60 templates use a few hundred. A row that no caption contains never
 * gets a gradient, and AdamW without weight decay (embeddings get none) leaves it exactly where it
 * started: its moments stay 0, so its update is {@code 0/(0+ε) = 0}. Training only the used rows
 * is therefore the same computation as training the full table, without holding, updating and
 * checkpointing ~6 M idle parameters and their two AdamW moments every step. Token ids are mapped to
 * their rank among the used ids; the map is increasing, so the end-of-text token keeps the largest
 * id of every row and the encoder still reads the feature there.
 */
public final class CaptionTokens {
    private final long[] usedIds;
    private final long[][] compactRows;
    private final int templates;

    private CaptionTokens(long[] usedIds, long[][] compactRows, int templates) {
        this.usedIds = usedIds;
        this.compactRows = compactRows;
        this.templates = templates;
    }

    /** Tokenizes {@link CaptionedData#allCaptions()} to {@code contextLength} ids each. */
    public static CaptionTokens of(CaptionedData data, ClipTokenizer tokenizer, int contextLength, int vocabSize) {
        List<String> captions = data.allCaptions();
        long[][] rows = tokenizer.tokenize(captions, contextLength);
        TreeSet<Long> used = new TreeSet<>();
        for (int r = 0; r < rows.length; r++) {
            for (long id : rows[r]) {
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("caption '" + captions.get(r) + "' has token id " + id
                            + ", outside the model's vocabulary of " + vocabSize);
                }
                used.add(id);
            }
        }
        long[] ids = used.stream().mapToLong(Long::longValue).toArray();
        long[][] compact = new long[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            compact[r] = new long[rows[r].length];
            for (int j = 0; j < rows[r].length; j++) {
                compact[r][j] = Arrays.binarySearch(ids, rows[r][j]);
            }
        }
        return new CaptionTokens(ids, compact, data.templates().size());
    }

    /** The vocabulary ids the captions use, ascending; compact id {@code k} stands for {@code usedIds()[k]}. */
    public long[] usedIds() {
        return usedIds.clone();
    }

    /** Number of used ids: the rows of the trained token embedding. */
    public int size() {
        return usedIds.length;
    }

    /** Compact token rows of captions {@code (labels[i], templates[i])}. */
    public long[][] rows(int[] labels, int[] templateIndices) {
        if (labels.length != templateIndices.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + templateIndices.length + " templates");
        }
        long[][] out = new long[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            out[i] = compactRows[labels[i] * templates + templateIndices[i]];
        }
        return out;
    }
}
