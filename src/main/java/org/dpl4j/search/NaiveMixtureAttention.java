package org.dpl4j.search;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.AttentionMath;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockWeights;
import org.dpl4j.model.Branch;
import org.dpl4j.model.Ops;
import org.dpl4j.tensor.Tensors;

/**
 * The reference code's supernet block, kept as the reference implementation: for every
 * candidate k, a full multi-head attention with queries {@code LN1(x)} and keys/values
 * {@code LN1([x_0; P_k; x_1..])} (text, mask extended with zero columns) or
 * {@code LN1([x; P_k])} (image), each output-projected, then mixed with softmax(alpha).
 */
final class NaiveMixtureAttention implements BlockAttention {
    private final Supernet net;
    private final Branch branch;

    NaiveMixtureAttention(Supernet net, Branch branch) {
        this.net = net;
        this.branch = branch;
    }

    @Override
    public Tensor attend(int layer, Tensor x, Tensor h, BlockWeights w, Tensor mask) {
        Tensor weights = net.alphas(branch).select(0, layer).softmax(0);
        Tensor out = AttentionMath.plain(h, w, mask).mul(weights.select(0, 0));
        int k = 1;
        for (Tensor p : net.candidatePrompts(branch, layer)) {
            out = out.add(attendWithPrompt(x, h, w, mask, p).mul(weights.select(0, k++)));
        }
        return out;
    }

    private Tensor attendWithPrompt(Tensor x, Tensor h, BlockWeights w, Tensor mask, Tensor p) {
        long b = x.size(0);
        long n = p.size(0);
        Tensor pb = p.to(Tensors.dtype(x)).unsqueeze(0).expand(b, n, p.size(1)); // one copy per sample (by cat), as the reference
        Tensor kvIn;
        Tensor kvMask = null;
        if (branch == Branch.TEXT) {
            long t = x.size(1);
            kvIn = Tensors.cat(List.of(x.narrow(1, 0, 1), pb, x.narrow(1, 1, t - 1)), 1);
            kvMask = Tensors.cat(List.of(Tensors.zerosLike(mask, t, n), mask), 1);
        } else {
            kvIn = Tensors.cat(List.of(x, pb), 1);
        }
        Tensor kvH = Ops.layerNorm(kvIn, w.ln1Gamma(), w.ln1Beta());
        Tensor q = Tensors.mul(Ops.splitHeads(Tensors.affine(h, w.qProjT(), w.qProjBias()), w.heads()),
                (float) (1.0 / Math.sqrt(w.headDim())));
        List<Tensor> kv = Tensors.list(Tensors.affine(kvH, w.kvProjT(), w.kvProjBias()).chunk(2, 2));
        Tensor k = Ops.splitHeads(kv.get(0), w.heads());
        Tensor v = Ops.splitHeads(kv.get(1), w.heads());
        Tensor s = Tensors.fp32(q.matmul(k.transpose(2, 3)));
        if (kvMask != null) {
            s = s.add(kvMask);
        }
        return AttentionMath.outProj(Tensors.matmul(s.softmax(-1), v), w);
    }
}
