package org.dpl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's causal text transformer. Runs only on positions {@code [0, max EOT]}: under the causal
 * mask the EOT row never sees later positions and prompts are visible to every row, so the
 * features are identical to the 77-token pass at a fraction of the cost (docs/design.md §6).
 */
public final class TextEncoder {
    private final NDArray tokenEmbedding;
    private final NDArray positional;
    private final Transformer transformer;
    private final NDArray lnGamma;
    private final NDArray lnBeta;
    private final NDArray projection;
    private final int contextLength;

    TextEncoder(ClipWeights w) {
        ClipConfig c = w.config();
        tokenEmbedding = w.get("token_embedding.weight");
        positional = w.get("positional_embedding");
        List<BlockWeights> blocks = new ArrayList<>();
        for (int i = 0; i < c.textLayers(); i++) {
            blocks.add(BlockWeights.of(w, "transformer.resblocks." + i + ".", c.textWidth(), c.textHeads()));
        }
        transformer = new Transformer(blocks);
        lnGamma = w.get("ln_final.weight");
        lnBeta = w.get("ln_final.bias");
        projection = w.get("text_projection");
        contextLength = c.contextLength();
    }

    public Transformer transformer() {
        return transformer;
    }

    /** Token embeddings (N, context, W) of token ids, created in {@code manager}. */
    public NDArray embed(NDManager manager, long[][] tokens) {
        long[] flat = new long[tokens.length * contextLength];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].length != contextLength) {
                throw new IllegalArgumentException("token row " + i + " has " + tokens[i].length + " ids, expected " + contextLength);
            }
            System.arraycopy(tokens[i], 0, flat, i * contextLength, contextLength);
        }
        NDArray idx = Ops.owned(manager.create(flat));
        return tokenEmbedding.get(manager, new NDIndex("{}", idx)).reshape(tokens.length, contextLength, -1);
    }

    /** EOT position (largest id) of each row. */
    public static int[] eotIndices(long[][] tokens) {
        int[] eot = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            int best = 0;
            for (int j = 1; j < tokens[i].length; j++) {
                if (tokens[i][j] > tokens[i][best]) {
                    best = j;
                }
            }
            eot[i] = best;
        }
        return eot;
    }

    public NDArray encode(NDManager manager, long[][] tokens, BlockAttention attention) {
        return encodeEmbeddings(manager, embed(manager, tokens), eotIndices(tokens), attention, true);
    }

    /**
     * Features (N, E) of token-embedding sequences (N, T≥max(eot)+1, W), read at {@code eot}.
     *
     * @param scope manager that receives every intermediate (the embeddings may be long-lived)
     * @param truncate run only up to the last EOT (exact; false runs all positions, for tests)
     */
    public NDArray encodeEmbeddings(NDManager scope, NDArray embeddings, int[] eot, BlockAttention attention, boolean truncate) {
        return encodeEmbeddings(scope, embeddings, eot, attention, BlockInput.UNCHANGED, truncate);
    }

    /** As above, with each block's input tokens set by {@code input} (prompts carried in the stream). */
    public NDArray encodeEmbeddings(NDManager scope, NDArray embeddings, int[] eot, BlockAttention attention, BlockInput input,
            boolean truncate) {
        NDManager m = scope;
        int n = eot.length;
        int maxEot = 0;
        for (int e : eot) {
            maxEot = Math.max(maxEot, e);
        }
        int t = truncate ? maxEot + 1 : (int) embeddings.getShape().get(1);
        NDArray x = embeddings.get(m, new NDIndex(":, :{}", t)).add(positional.get(m, new NDIndex(":{}", t)));
        x = transformer.forward(x, causalMask(m, t), attention, input);
        x = Ops.layerNorm(x, lnGamma, lnBeta);
        long[] rows = new long[n];
        for (int i = 0; i < n; i++) {
            rows[i] = (long) i * t + eot[i];
        }
        // the index is saved for backward, which scatters without bounds checks: it must own its memory
        NDArray picked = x.reshape(n * (long) t, -1).get(new NDIndex("{}", Ops.owned(m.create(rows))));
        return picked.matMul(projection);
    }

    /** Additive causal mask: 0 on and below the diagonal, -inf above. */
    public static NDArray causalMask(NDManager m, int t) {
        float[] v = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                v[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return Ops.owned(m.create(v, new Shape(t, t)));
    }
}
