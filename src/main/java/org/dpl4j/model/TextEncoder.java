package org.dpl4j.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Tensors;

/**
 * CLIP's causal text transformer. Runs only on positions {@code [0, max EOT]}: under the causal
 * mask the EOT row never sees later positions and prompts are visible to every row, so the
 * features are identical to the 77-token pass at a fraction of the cost (docs/design.md §6).
 */
public final class TextEncoder {
    private final Tensor tokenEmbedding;
    private final Tensor positional;
    private final Transformer transformer;
    private final Tensor lnGamma;
    private final Tensor lnBeta;
    private final Tensor projection;
    private final int contextLength;

    TextEncoder(ClipWeights w, Owned owner) {
        ClipConfig c = w.config();
        tokenEmbedding = w.get("token_embedding.weight");
        positional = w.get("positional_embedding");
        List<BlockWeights> blocks = new ArrayList<>();
        for (int i = 0; i < c.textLayers(); i++) {
            blocks.add(BlockWeights.of(w, "transformer.resblocks." + i + ".", c.textWidth(), c.textHeads(), owner));
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

    /** Token embeddings (N, context, W) of token ids. */
    public Tensor embed(long[][] tokens) {
        long[] flat = new long[tokens.length * contextLength];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].length != contextLength) {
                throw new IllegalArgumentException("token row " + i + " has " + tokens[i].length + " ids, expected " + contextLength);
            }
            System.arraycopy(tokens[i], 0, flat, i * contextLength, contextLength);
        }
        Tensor idx = Tensors.longs(flat, tokenEmbedding.device(), flat.length);
        return Tensors.rows(tokenEmbedding, idx).reshape(tokens.length, contextLength, -1);
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

    public Tensor encode(long[][] tokens, BlockAttention attention) {
        return encodeEmbeddings(embed(tokens), eotIndices(tokens), attention, true);
    }

    /**
     * Features (N, E) of token-embedding sequences (N, T≥max(eot)+1, W), read at {@code eot}.
     *
     * @param truncate run only up to the last EOT (exact; false runs all positions, for tests)
     */
    public Tensor encodeEmbeddings(Tensor embeddings, int[] eot, BlockAttention attention, boolean truncate) {
        return encodeEmbeddings(embeddings, eot, attention, BlockInput.UNCHANGED, truncate);
    }

    /**
     * As above, with each block's input tokens set by {@code input} (prompts carried in the stream). An input
     * may add or remove tokens, always before the EOT (MaPLe's text prompts follow SOS); the feature is read
     * at the EOT's new position.
     */
    public Tensor encodeEmbeddings(Tensor embeddings, int[] eot, BlockAttention attention, BlockInput input,
            boolean truncate) {
        int n = eot.length;
        int maxEot = 0;
        for (int e : eot) {
            maxEot = Math.max(maxEot, e);
        }
        int t = truncate ? maxEot + 1 : (int) embeddings.size(1);
        Tensor x = embeddings.narrow(1, 0, t).add(positional.narrow(0, 0, t));
        x = transformer.forward(x, causalMask(t, x), attention, input);
        x = Ops.layerNorm(x, lnGamma, lnBeta);
        // tokens a block input added or removed lie before the EOT (MaPLe's prompts follow SOS), so the EOT moved by as many
        int shift = (int) x.size(1) - t;
        int len = t + shift;
        long[] rows = new long[n];
        for (int i = 0; i < n; i++) {
            rows[i] = (long) i * len + eot[i] + shift;
        }
        Tensor picked = Tensors.rows(x.reshape(n * (long) len, -1), Tensors.longs(rows, x.device(), n));
        return Tensors.matmul(picked, projection);
    }

    /** Additive causal mask (t, t) with {@code like}'s dtype and device: 0 on and below the diagonal, -inf above. */
    public static Tensor causalMask(int t, Tensor like) {
        float[] v = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                v[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        Tensor mask = Tensors.floats(v, like.device(), t, t);
        return Tensors.is(mask, Tensors.dtype(like)) ? mask : mask.to(Tensors.dtype(like));
    }
}
