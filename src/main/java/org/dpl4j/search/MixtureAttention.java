package org.dpl4j.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.model.AttentionMath;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockWeights;
import org.dpl4j.model.Branch;
import org.dpl4j.model.Ops;

/**
 * Fused mixture attention (docs/design.md §5): one QKV projection and one token attention shared by
 * all candidates; each candidate adds only its c_k prompt key columns; one output projection
 * of the mixed heads (valid because OutProj is affine and the weights sum to one).
 */
final class MixtureAttention implements BlockAttention {
    private final Supernet net;
    private final Branch branch;

    MixtureAttention(Supernet net, Branch branch) {
        this.net = net;
        this.branch = branch;
    }

    @Override
    public NDArray attend(int layer, NDArray x, NDArray h, BlockWeights w, NDArray mask) {
        NDArray alpha = Ops.inScopeOf(x, net.alphas(branch)).get(new NDIndex("{}", layer));
        NDArray weights = alpha.softmax(0);
        List<AttentionMath.PromptKV> kvs = new ArrayList<>();
        for (NDArray p : net.candidatePrompts(branch, layer)) {
            kvs.add(AttentionMath.promptKV(Ops.inScopeOf(x, p), w));
        }
        return AttentionMath.withPrompts(h, w, mask, kvs, weights);
    }
}
