package org.dpl4j.search;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.AttentionMath;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockWeights;
import org.dpl4j.model.Branch;

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
    public Tensor attend(int layer, Tensor x, Tensor h, BlockWeights w, Tensor mask) {
        Tensor weights = net.alphas(branch).select(0, layer).softmax(0);
        List<AttentionMath.Candidate> terms = new ArrayList<>();
        terms.add(AttentionMath.Candidate.none(weights.select(0, 0)));
        List<Tensor> prompts = net.candidatePrompts(branch, layer);
        for (int k = 0; k < prompts.size(); k++) {
            terms.add(new AttentionMath.Candidate(AttentionMath.promptKV(prompts.get(k), w), null, weights.select(0, k + 1)));
        }
        return AttentionMath.mixture(h, w, mask, terms);
    }
}
