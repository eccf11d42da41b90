package org.dpl4j.search;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.AttentionMath;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockWeights;
import org.dpl4j.model.Branch;
import org.dpl4j.model.Ops;
import org.dpl4j.model.TextEncoder;
import org.dpl4j.model.Transformer;
import org.dpl4j.tensor.Tensors;

/**
 * One tower's pass through a token-replacement supernet ({@link StreamSupernet}): the prompt-token groups it
 * carries from block to block, and each block's attention as a mixture over them. One instance per forward.
 *
 * <p>The stream's tokens attend with {@link AttentionMath#mixHeads}: each group is a candidate whose key
 * columns are its own tokens' keys (text: masked for SOS, which precedes the prompts), weighted by the
 * group's weight. Each group's own tokens then go through the block ({@link #through}) so that later
 * blocks can carry them on.
 */
final class StreamMixture implements BlockAttention {
    /** Prompt tokens (1 or B, n, W) and their mixture weight (a scalar tensor; null for 1). */
    private record Group(Tensor tokens, Tensor weight) {}

    /** This tower's tokens of candidate k ≥ 1 of block l ≥ 1, (c_k, width). */
    @FunctionalInterface
    interface CandidateTokens {
        Tensor of(int layer, int k);
    }

    private final Branch branch;
    /** softmax(alpha), one row per searched block 1..R. */
    private final Tensor weights;
    private final int candidates;
    private final CandidateTokens tokens;
    /** The tower's last block: its prompt outputs are read by nothing. */
    private final int lastLayer;
    private List<Group> groups = new ArrayList<>();

    StreamMixture(Branch branch, Tensor weights, int candidates, CandidateTokens tokens, int lastLayer) {
        this.branch = branch;
        this.weights = weights;
        this.candidates = candidates;
        this.tokens = tokens;
        this.lastLayer = lastLayer;
    }

    /** Block 0's only group: the context tokens (text) or proj(ctx) after ln_pre (vision), weight 1. */
    void start(Tensor tokens) {
        groups = new ArrayList<>(List.of(new Group(tokens, null)));
    }

    @Override
    public Tensor attend(int layer, Tensor x, Tensor h, BlockWeights w, Tensor mask) {
        if (layer >= 1 && layer <= weights.size(0)) {
            addCandidates(layer, x);
        }
        boolean text = branch == Branch.TEXT;
        AttentionMath.Qkv t = AttentionMath.qkv(h, w);
        List<AttentionMath.Qkv> own = new ArrayList<>();
        List<AttentionMath.Candidate> terms = new ArrayList<>();
        for (Group g : groups) {
            AttentionMath.Qkv q = AttentionMath.qkv(Ops.layerNorm(g.tokens(), w.ln1Gamma(), w.ln1Beta()), w);
            own.add(q);
            Tensor columns = text ? sosMask((int) x.size(1), (int) g.tokens().size(1), x) : null;
            terms.add(new AttentionMath.Candidate(new AttentionMath.PromptKV(q.k(), q.v()), columns, g.weight()));
        }
        Tensor out = AttentionMath.outProj(AttentionMath.mixHeads(t, mask, terms), w);
        if (layer < lastLayer) { // the last block's prompt outputs are read by nothing
            List<Group> carried = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                carried.add(new Group(through(groups.get(i).tokens(), own.get(i), t, w, text), groups.get(i).weight()));
            }
            groups = carried;
        }
        return out;
    }

    /** Block l's choices: every group carried on with weight w_{l,0}, and its K candidates with weights w_{l,k}. */
    private void addCandidates(int layer, Tensor x) {
        Tensor row = weights.select(0, layer - 1);
        Tensor carry = row.select(0, 0);
        List<Group> next = new ArrayList<>();
        for (Group g : groups) {
            next.add(new Group(g.tokens(), g.weight() == null ? carry : g.weight().mul(carry)));
        }
        for (int k = 1; k < candidates; k++) {
            next.add(new Group(tokens.of(layer, k).to(Tensors.dtype(x)).unsqueeze(0), row.select(0, k)));
        }
        groups = next;
    }

    /**
     * A group's tokens through the block: attention over the stream's keys and the group's own (text: only
     * SOS of the stream and the group causally, as MaPLe's prompts at positions 1..n), then the MLP half.
     */
    private static Tensor through(Tensor tokens, AttentionMath.Qkv q, AttentionMath.Qkv t, BlockWeights w, boolean text) {
        long b = t.q().size(0);
        int n = (int) tokens.size(1);
        int len = (int) t.k().size(2);
        Tensor sx = Tensors.fp32(Tensors.matmul(q.q(), t.k().transpose(2, 3))); // (B, H, n, L)
        Tensor sg = Tensors.fp32(q.q().matmul(q.k().transpose(2, 3))); // (1|B, H, n, n)
        if (text) {
            sx = sx.add(onlySos(n, len, sx));
            sg = sg.add(TextEncoder.causalMask(n, sg));
        }
        sg = sg.expand(b, sg.size(1), n, n);
        Tensor p = Tensors.cat(List.of(sx, sg), 3).softmax(-1);
        Tensor vg = q.v().expand(b, q.v().size(1), n, q.v().size(3));
        Tensor att = AttentionMath.outProj(Tensors.matmul(p, Tensors.cat(List.of(t.v(), vg), 2)), w);
        return Transformer.mlp(tokens.add(att), w);
    }

    /** (L, n): −inf in row 0 (SOS), 0 elsewhere. */
    private static Tensor sosMask(int len, int n, Tensor like) {
        float[] v = new float[len * n];
        for (int j = 0; j < n; j++) {
            v[j] = Float.NEGATIVE_INFINITY;
        }
        return Tensors.floats(v, like.device(), len, n);
    }

    /** (n, L): 0 in column 0 (SOS), −inf elsewhere: a prompt after SOS sees no later token of the stream. */
    private static Tensor onlySos(int n, int len, Tensor like) {
        float[] v = new float[n * len];
        for (int i = 0; i < n; i++) {
            for (int j = 1; j < len; j++) {
                v[i * len + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return Tensors.floats(v, like.device(), n, len);
    }
}
