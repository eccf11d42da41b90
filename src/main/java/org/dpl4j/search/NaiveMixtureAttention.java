package org.dpl4j.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.dpl4j.model.AttentionMath;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockWeights;
import org.dpl4j.model.Branch;
import org.dpl4j.model.Ops;

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
    public NDArray attend(int layer, NDArray x, NDArray h, BlockWeights w, NDArray mask) {
        NDArray weights = Ops.inScopeOf(x, net.alphas(branch)).get(new NDIndex("{}", layer)).softmax(0);
        NDArray out = AttentionMath.plain(h, w, mask).mul(weights.get(0));
        int k = 1;
        for (NDArray p : net.candidatePrompts(branch, layer)) {
            out = out.add(attendWithPrompt(x, h, w, mask, Ops.inScopeOf(x, p)).mul(weights.get(k++)));
        }
        return out;
    }

    private NDArray attendWithPrompt(NDArray x, NDArray h, BlockWeights w, NDArray mask, NDArray p) {
        NDManager m = x.getManager();
        long b = x.getShape().get(0);
        long n = p.getShape().get(0);
        NDArray pb = p.expandDims(0).broadcast(new Shape(b, n, p.getShape().get(1))); // copied per sample, as the reference
        NDArray kvIn;
        NDArray kvMask = null;
        if (branch == Branch.TEXT) {
            kvIn = NDArrays.concat(new NDList(x.get(new NDIndex(":, :1")), pb, x.get(new NDIndex(":, 1:"))), 1);
            long t = x.getShape().get(1);
            kvMask = NDArrays.concat(new NDList(m.zeros(new Shape(t, n)), mask), 1);
        } else {
            kvIn = NDArrays.concat(new NDList(x, pb), 1);
        }
        NDArray kvH = Ops.layerNorm(kvIn, w.ln1Gamma(), w.ln1Beta());
        NDArray q = Ops.mul(Ops.splitHeads(h.matMul(w.qProjT()).add(w.qProjBias()), w.heads()), (float) (1.0 / Math.sqrt(w.headDim())));
        NDList kv = kvH.matMul(w.kvProjT()).add(w.kvProjBias()).split(2, 2);
        NDArray k = Ops.splitHeads(kv.get(0), w.heads());
        NDArray v = Ops.splitHeads(kv.get(1), w.heads());
        NDArray s = q.matMul(k.transpose(0, 1, 3, 2));
        if (kvMask != null) {
            s = s.add(kvMask);
        }
        return AttentionMath.outProj(s.softmax(-1).matMul(v), w);
    }
}
