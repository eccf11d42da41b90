package org.dpl4j.model;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Tensors;

/**
 * The attention arithmetic of docs/design.md §4–5, written once for every use: plain CLIP, DPL's
 * train-stage block, DPL's search mixture and the MaPLe search's prompt groups.
 *
 * <p>Token scores {@code S_x = Q K_xᵀ/√d (+mask)} are shared by every candidate; a prompt of n
 * tokens only adds n key columns, combined with the token part through running maxima (the
 * flash-attention trick), so a candidate costs O(L·n) on top of one shared attention instead of
 * a whole attention of its own. Row maxima are constants for autograd: the result does not
 * depend on them, so stopping their gradient is exact.
 *
 * <p>Precision: scores, their exponentials and the normalisers are fp32 in every mode; in bf16
 * mode only the products with frozen-weight projections (Q, K, V, the prompt K/V) run in bf16.
 */
public final class AttentionMath {
    private AttentionMath() {}

    /** Projected prompt keys and values, shape (1, H, n, d) each, shared by the whole batch. */
    public record PromptKV(Tensor keys, Tensor values) {}

    /** Q, K, V of the sequence, each (B, H, L, d); Q is already scaled by 1/√d. */
    public record Qkv(Tensor q, Tensor k, Tensor v) {}

    public static Qkv qkv(Tensor h, BlockWeights w) {
        List<Tensor> parts = Tensors.list(Tensors.affine(h, w.inProjT(), w.inProjBias()).chunk(3, 2));
        float scale = (float) (1.0 / Math.sqrt(w.headDim()));
        return new Qkv(
                Tensors.mul(Ops.splitHeads(parts.get(0), w.heads()), scale),
                Ops.splitHeads(parts.get(1), w.heads()),
                Ops.splitHeads(parts.get(2), w.heads()));
    }

    /**
     * Keys/values of a prompt P (n, W): {@code LN1(P)} projected once per block, then broadcast
     * over classes or images by the matmuls that use them (never copied per sample).
     */
    public static PromptKV promptKV(Tensor prompt, BlockWeights w) {
        Tensor p = Ops.layerNorm(prompt, w.ln1Gamma(), w.ln1Beta());
        Tensor kv = Tensors.affine(p, w.kvProjT(), w.kvProjBias()).unsqueeze(0); // (1, n, 2W)
        List<Tensor> parts = Tensors.list(kv.chunk(2, 2));
        return new PromptKV(Ops.splitHeads(parts.get(0), w.heads()), Ops.splitHeads(parts.get(1), w.heads()));
    }

    /** Vanilla attention, output-projected. */
    public static Tensor plain(Tensor h, BlockWeights w, Tensor mask) {
        Qkv t = qkv(h, w);
        Tensor s = scores(t, mask);
        return outProj(Tensors.matmul(s.softmax(-1), t.v()), w);
    }

    /**
     * One term of a prompt mixture: a prompt's projected keys/values ({@code kv}; null for the term
     * without prompt, which attends to the sequence's own keys only), an optional additive mask on its
     * key columns ({@code columnMask}, (L, n) or broadcastable, null for none) and its mixture weight
     * ({@code weight}, a scalar tensor, null for 1).
     */
    public record Candidate(PromptKV kv, Tensor columnMask, Tensor weight) {
        /** The sequence's own attention, weighted. */
        public static Candidate none(Tensor weight) {
            return new Candidate(null, null, weight);
        }

        /** A single prompt, unweighted (the train stage's block). */
        public static Candidate of(PromptKV kv) {
            return new Candidate(kv, null, null);
        }
    }

    /**
     * The output-projected mixture {@code OutProj(Σ_k w_k O_k)} over {@code candidates} of attention
     * to the sequence's own keys plus each candidate's prompt keys. DPL's search passes the weighted
     * candidates of a block (the first without prompt), its train stage one unweighted prompt.
     */
    public static Tensor mixture(Tensor h, BlockWeights w, Tensor mask, List<Candidate> candidates) {
        return outProj(mixHeads(qkv(h, w), mask, candidates), w);
    }

    /**
     * The mixed heads {@code Σ_k w_k O_k} (B, H, L, d), before the output projection, for callers
     * that also need the sequence's projections {@code t}. The token scores, their running maximum,
     * exponentials, normaliser and value product are computed once and shared by every candidate;
     * a candidate adds only its key columns ({@code O_k = (f·A_x + E_k V_k) / (f·Z_x + rowsum E_k)}).
     */
    public static Tensor mixHeads(Qkv t, Tensor mask, List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("a prompt mixture needs at least one candidate");
        }
        Tensor s = scores(t, mask);
        Tensor mx = Tensors.max(s, -1, true).detach();
        Tensor e = s.sub(mx).exp();
        Tensor z = Tensors.sum(e, -1, true);
        Tensor a = Tensors.matmul(e, t.v());
        Tensor mixed = null;
        for (Candidate c : candidates) {
            Tensor o = c.kv() == null ? a.div(z) : candidateOutput(t.q(), mx, z, a, c.kv(), c.columnMask());
            Tensor part = c.weight() == null ? o : o.mul(c.weight());
            mixed = mixed == null ? part : mixed.add(part);
        }
        return mixed;
    }

    /** {@code O_k = (f·A_x + E_k V_k) / (f·Z_x + rowsum E_k)} with the shared running maximum. */
    private static Tensor candidateOutput(Tensor q, Tensor mx, Tensor z, Tensor a, PromptKV p, Tensor columnMask) {
        Tensor sk = Tensors.fp32(Tensors.matmul(q, p.keys().transpose(2, 3))); // (B, H, L, n)
        if (columnMask != null) {
            sk = sk.add(columnMask);
        }
        Tensor mk = Tensors.maximum(mx, Tensors.max(sk, -1, true).detach());
        Tensor f = mx.sub(mk).exp();
        Tensor ek = sk.sub(mk).exp();
        Tensor num = a.mul(f).add(Tensors.matmul(ek, p.values()));
        Tensor den = z.mul(f).add(Tensors.sum(ek, -1, true));
        return num.div(den);
    }

    static Tensor scores(Qkv t, Tensor mask) {
        Tensor s = Tensors.fp32(t.q().matmul(t.k().transpose(2, 3)));
        return mask == null ? s : s.add(mask);
    }

    public static Tensor outProj(Tensor heads, BlockWeights w) {
        return Tensors.affine(Ops.mergeHeads(heads), w.outProjT(), w.outProjBias());
    }
}
