package org.dpl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * The attention arithmetic of docs/design.md §4–5, written once for all three uses.
 *
 * <p>Token scores {@code S_x = Q K_xᵀ/√d (+mask)} are shared by every candidate; a prompt of n
 * tokens only adds n key columns, combined with the token part through running maxima (the
 * flash-attention trick), so a candidate costs O(L·n) on top of one shared attention instead of
 * a whole attention of its own. Row maxima are constants for autograd: the result does not
 * depend on them, so stopping their gradient is exact.
 */
public final class AttentionMath {
    private AttentionMath() {}

    /** Projected prompt keys and values, shape (1, H, n, d) each, shared by the whole batch. */
    public record PromptKV(NDArray keys, NDArray values) {}

    /** Q, K, V of the sequence, each (B, H, L, d); Q is already scaled by 1/√d. */
    public record Qkv(NDArray q, NDArray k, NDArray v) {}

    public static Qkv qkv(NDArray h, BlockWeights w) {
        NDArray qkv = h.matMul(w.inProjT()).add(w.inProjBias());
        NDList parts = qkv.split(3, 2);
        float scale = (float) (1.0 / Math.sqrt(w.headDim()));
        return new Qkv(
                Ops.mul(Ops.splitHeads(parts.get(0), w.heads()), scale),
                Ops.splitHeads(parts.get(1), w.heads()),
                Ops.splitHeads(parts.get(2), w.heads()));
    }

    /**
     * Keys/values of a prompt P (n, W): {@code LN1(P)} projected once per block, then broadcast
     * over classes or images by the matmuls that use them (never copied per sample).
     */
    public static PromptKV promptKV(NDArray prompt, BlockWeights w) {
        NDArray p = Ops.layerNorm(prompt, w.ln1Gamma(), w.ln1Beta());
        NDArray kv = p.matMul(w.kvProjT()).add(w.kvProjBias()).expandDims(0); // (1, n, 2W)
        NDList parts = kv.split(2, 2);
        return new PromptKV(Ops.splitHeads(parts.get(0), w.heads()), Ops.splitHeads(parts.get(1), w.heads()));
    }

    /** Vanilla attention, output-projected. */
    public static NDArray plain(NDArray h, BlockWeights w, NDArray mask) {
        Qkv t = qkv(h, w);
        NDArray s = scores(t, mask);
        return outProj(s.softmax(-1).matMul(t.v()), w);
    }

    /**
     * Attention over the sequence's own keys plus, for each candidate, its prompt keys; the
     * candidate outputs are mixed with {@code weights} (index 0 = no prompt). With a single
     * candidate and {@code weights == null} this is the train-stage block: one prompt, no mixing.
     */
    public static NDArray withPrompts(NDArray h, BlockWeights w, NDArray mask, List<PromptKV> candidates, NDArray weights) {
        Qkv t = qkv(h, w);
        NDArray s = scores(t, mask);
        NDArray mx = s.max(new int[] {-1}, true).stopGradient();
        NDArray e = s.sub(mx).exp();
        NDArray z = e.sum(new int[] {-1}, true);
        NDArray a = e.matMul(t.v());
        NDArray mixed;
        if (weights == null) {
            if (candidates.size() != 1) {
                throw new IllegalArgumentException("unweighted attention takes exactly one prompt");
            }
            mixed = candidateOutput(t.q(), mx, z, a, candidates.get(0));
        } else {
            if (weights.getShape().get(0) != candidates.size() + 1) {
                throw new IllegalArgumentException("expected " + (candidates.size() + 1) + " mixture weights, got "
                        + weights.getShape());
            }
            mixed = a.div(z).mul(weights.get(0));
            for (int k = 0; k < candidates.size(); k++) {
                mixed = mixed.add(candidateOutput(t.q(), mx, z, a, candidates.get(k)).mul(weights.get(k + 1)));
            }
        }
        return outProj(mixed, w);
    }

    /** {@code O_k = (f·A_x + E_k V_k) / (f·Z_x + rowsum E_k)} with the shared running maximum. */
    private static NDArray candidateOutput(NDArray q, NDArray mx, NDArray z, NDArray a, PromptKV p) {
        NDArray sk = q.matMul(p.keys().transpose(0, 1, 3, 2)); // (B, H, L, n)
        NDArray mk = mx.maximum(sk.max(new int[] {-1}, true).stopGradient());
        NDArray f = mx.sub(mk).exp();
        NDArray ek = sk.sub(mk).exp();
        NDArray num = a.mul(f).add(ek.matMul(p.values()));
        NDArray den = z.mul(f).add(ek.sum(new int[] {-1}, true));
        return num.div(den);
    }

    static NDArray scores(Qkv t, NDArray mask) {
        NDArray s = t.q().matMul(t.k().transpose(0, 1, 3, 2));
        return mask == null ? s : s.add(mask);
    }

    public static NDArray outProj(NDArray heads, BlockWeights w) {
        return Ops.mergeHeads(heads).matMul(w.outProjT()).add(w.outProjBias());
    }
}
