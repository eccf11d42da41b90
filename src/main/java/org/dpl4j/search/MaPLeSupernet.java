package org.dpl4j.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.AttentionMath;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockInput;
import org.dpl4j.model.BlockWeights;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.dpl4j.model.Ops;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.CoCoOp;
import org.dpl4j.prompts.MaPLe;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * DPL's search over MaPLe's compound prompts (docs/design.md §5, "Searching MaPLe"). Block 0 carries MaPLe's
 * input context (n = 2 words of "a photo of a" replaced; vision proj(ctx)) in every configuration. Every
 * block l = 1..D−1 (D = both towers' common depth) has one alpha row over the candidate lengths, shared by
 * both towers (coupled: the vision prompts are the text prompts' couplings), an independent text prompt per
 * non-zero candidate and one coupling Linear shared by its candidates (it maps token by token); candidate 0
 * carries the previous block's prompt tokens on.
 *
 * <p>The prompt tokens are kept out of the residual stream as <em>groups</em> (tokens, weight): the tokens
 * some choice of the blocks so far would hold in the stream, weighted by the product of those choices'
 * softmax weights. Block l turns every group g into (g, w_{l,0}·weight) and adds its K candidates with weights
 * w_{l,k}; the weights always sum to one. The class/patch tokens attend as in DPL's fused mixture: the shared
 * token part once, each group's key columns on top, the outputs mixed with the group weights before the
 * output projection; each group's own tokens go through the block attending to the stream's keys and their
 * own (text: SOS and causally, as MaPLe's prompts at positions 1..n), so they can be carried on. With
 * one-hot alphas exactly one group has weight 1 in every block and the supernet is MaPLe with that layout.
 */
public final class MaPLeSupernet implements SearchSpace {
    public static final String METHOD = MaPLe.METHOD;
    /** MaPLe's deep text prompts start as N(0, 0.02²). */
    static final float PROMPT_STD = 0.02f;

    private final List<Integer> candidates;
    private final ClipConfig config;
    private final int blocks;
    private final int context;
    private final Device device;
    private final Owned owned = new Owned();
    private final Map<String, Tensor> alphaParams = new LinkedHashMap<>();
    private final Map<String, Tensor> promptParams = new LinkedHashMap<>();

    private MaPLeSupernet(List<Integer> candidates, ClipConfig config, Device device) {
        if (candidates.isEmpty() || candidates.get(0) != 0) {
            throw new IllegalArgumentException("candidate lengths must start with 0 (carry the previous block's prompts on), got "
                    + candidates);
        }
        for (int i = 1; i < candidates.size(); i++) {
            if (candidates.get(i) <= candidates.get(i - 1)) {
                throw new IllegalArgumentException("candidate lengths must be strictly increasing, got " + candidates);
            }
        }
        this.candidates = List.copyOf(candidates);
        this.config = config;
        this.blocks = Math.min(config.textLayers(), config.visionLayers());
        this.context = MaPLe.N_CTX;
        this.device = device;
        if (blocks < 2) {
            throw new IllegalArgumentException("maple search: the model has " + blocks + " block(s); blocks 2.. are searched");
        }
    }

    public static String alphaName() {
        return "alphas.blocks";
    }

    public static String candidateName(int layer, int k) {
        return MaPLe.textName(layer) + "." + k;
    }

    /**
     * Initialises as MaPLe and DPL do, from one seeded {@link Random}: alphas {@code 1e-3·N(0,1)}, ctx from
     * "a photo", proj as PyTorch's default Linear, the text candidates N(0, 0.02²), the first coupling as
     * PyTorch's default Linear and the others equal to it (MaPLe deep-copies one).
     */
    public static MaPLeSupernet init(ClipModel clip, List<Integer> candidates, long seed) {
        ClipConfig c = clip.config();
        MaPLeSupernet s = new MaPLeSupernet(candidates, c, clip.device());
        try {
            Random rng = new Random(seed);
            int k1 = candidates.size();
            float[] a = new float[(s.blocks - 1) * k1];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (1e-3 * rng.nextGaussian());
            }
            s.alphaParams.put(alphaName(), s.param(a, new Shape(s.blocks - 1, k1)));
            s.promptParams.put("ctx", s.param(CoCoOp.contextInit(clip, s.context)));
            s.linear("proj", c, rng, null);
            for (int l = 1; l < s.blocks; l++) {
                for (int k = 1; k < k1; k++) {
                    float[] v = new float[candidates.get(k) * c.textWidth()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (rng.nextGaussian() * PROMPT_STD);
                    }
                    s.promptParams.put(candidateName(l, k), s.param(v, new Shape(candidates.get(k), c.textWidth())));
                }
            }
            for (int l = 1; l < s.blocks; l++) {
                s.linear(MaPLe.couplingName(l), c, rng, l == 1 ? null : MaPLe.couplingName(1));
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A supernet with given values (copied), named as {@link #alphaParameters()} and {@link #promptParameters()}. */
    public static MaPLeSupernet of(Map<String, Tensor> tensors, ClipModel clip, List<Integer> candidates) {
        MaPLeSupernet s;
        try (MaPLeSupernet shape = init(clip, candidates, 0)) {
            s = new MaPLeSupernet(candidates, clip.config(), clip.device());
            try {
                for (Map.Entry<String, Tensor> e : shape.alphaParams.entrySet()) {
                    s.alphaParams.put(e.getKey(), s.copy(tensors, e.getKey(), e.getValue()));
                }
                for (Map.Entry<String, Tensor> e : shape.promptParams.entrySet()) {
                    s.promptParams.put(e.getKey(), s.copy(tensors, e.getKey(), e.getValue()));
                }
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
        }
        return s;
    }

    private Tensor copy(Map<String, Tensor> source, String name, Tensor like) {
        Tensor t = source.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing maple supernet tensor " + name);
        }
        if (!Shape.of(t).equals(Shape.of(like))) {
            throw new IllegalArgumentException("maple supernet tensor " + name + " has shape " + Shape.of(t) + ", expected "
                    + Shape.of(like));
        }
        return param(t);
    }

    private Tensor param(float[] v, Shape shape) {
        return owned.own(Tensors.floats(v, device, shape.dims()).set_requires_grad(true));
    }

    /** An fp32 copy of {@code values} on this device, made on the device where they already are (no trip through the JVM). */
    private Tensor param(Tensor values) {
        return owned.own(values.detach().to(device, ScalarType.Float).clone().set_requires_grad(true));
    }

    /** PyTorch's default Linear (uniform ±1/√in), or a copy of {@code sameAs}. */
    private void linear(String name, ClipConfig c, Random rng, String sameAs) {
        if (sameAs != null) {
            for (String part : List.of(".weight", ".bias")) {
                Tensor first = promptParams.get(sameAs + part);
                promptParams.put(name + part, param(first));
            }
            return;
        }
        double bound = 1.0 / Math.sqrt(c.textWidth());
        float[] w = new float[c.visionWidth() * c.textWidth()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        float[] b = new float[c.visionWidth()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        promptParams.put(name + ".weight", param(w, new Shape(c.visionWidth(), c.textWidth())));
        promptParams.put(name + ".bias", param(b, new Shape(c.visionWidth())));
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public List<Integer> candidates() {
        return candidates;
    }

    /** The searched blocks: 1..D−1. */
    public int blocks() {
        return blocks;
    }

    @Override
    public Map<String, Tensor> alphaParameters() {
        return Collections.unmodifiableMap(alphaParams);
    }

    @Override
    public Map<String, Tensor> promptParameters() {
        return Collections.unmodifiableMap(promptParams);
    }

    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, String template) {
        return ClassTexts.build(clip, classNames, List.of(CoCoOp.TEMPLATE)); // MaPLe's fixed text input (its CTX_INIT)
    }

    private static void checkMode(AttentionMode mode) {
        if (mode != AttentionMode.FUSED) {
            throw new IllegalArgumentException("the maple search has a single (fused) mixture path; --attention naive is DPL's");
        }
    }

    @Override
    public Tensor textFeatures(ClipModel clip, ClassTexts texts, AttentionMode mode) {
        checkMode(mode);
        Mixture mix = new Mixture(Branch.TEXT, alphaParams.get(alphaName()).softmax(1));
        Tensor ctx = promptParams.get("ctx");
        // block 0: the context is in the input (positions 1..n, with their positional embeddings), then leaves the
        // stream for the groups; the stream keeps SOS and the rest at their positions
        BlockInput split = (layer, x) -> {
            if (layer != 0) {
                return x;
            }
            mix.start(x.narrow(1, 1, context).narrow(0, 0, 1));
            return Tensors.cat(List.of(x.narrow(1, 0, 1), x.narrow(1, 1 + context, x.size(1) - 1 - context)), 1);
        };
        return clip.text().encodeEmbeddings(texts.input(ctx), texts.eot(), mix, split, true);
    }

    @Override
    public Tensor imageFeatures(ClipModel clip, Tensor images, AttentionMode mode) {
        checkMode(mode);
        Mixture mix = new Mixture(Branch.IMAGE, alphaParams.get(alphaName()).softmax(1));
        Tensor x = clip.image().stem(images);
        Tensor shared = linear("proj", promptParams.get("ctx"));
        mix.start(clip.image().preNorm(shared.to(Tensors.dtype(x))).unsqueeze(0));
        return clip.image().encodeTokens(x, mix, BlockInput.UNCHANGED);
    }

    private Tensor linear(String name, Tensor x) {
        return Ops.fp32(x).matmul(promptParams.get(name + ".weight").t()).add(promptParams.get(name + ".bias"));
    }

    /** Coupled: one row of weights per searched block, the same for text and image. */
    @Override
    public AlphaSnapshot snapshot(int epoch) {
        float[] flat;
        try (Scope s = Scope.open(); NoGradGuard g = new NoGradGuard()) {
            flat = Tensors.toFloats(alphaParams.get(alphaName()).softmax(1));
        }
        int k = candidates.size();
        float[][] w = new float[flat.length / k][k];
        for (int l = 0; l < w.length; l++) {
            System.arraycopy(flat, l * k, w[l], 0, k);
        }
        float[][] copy = new float[w.length][];
        for (int l = 0; l < w.length; l++) {
            copy[l] = w[l].clone();
        }
        return new AlphaSnapshot(epoch, candidates, w, copy);
    }

    /** Block 0: the context; block l ≥ 1: the argmax candidate of row l−1 (ties: the first), in both towers. */
    @Override
    public PromptConfig layout(AlphaSnapshot snapshot) {
        float[][] w = snapshot.text();
        int[] lengths = new int[w.length + 1];
        lengths[0] = context;
        for (int l = 0; l < w.length; l++) {
            int best = 0;
            for (int k = 1; k < w[l].length; k++) {
                if (w[l][k] > w[l][best]) {
                    best = k;
                }
            }
            lengths[l + 1] = candidates.get(best);
        }
        return MaPLe.config(lengths, config);
    }

    @Override
    public void close() {
        owned.close();
    }

    /** A group of prompt tokens (1 or B, n, W) and its mixture weight (a scalar tensor). */
    private record Group(Tensor tokens, Tensor weight) {}

    /** One tower's pass: the groups it carries from block to block (one instance per forward). */
    private final class Mixture implements BlockAttention {
        private final Branch branch;
        private final Tensor weights;
        private List<Group> groups = new ArrayList<>();

        Mixture(Branch branch, Tensor weights) {
            this.branch = branch;
            this.weights = weights;
        }

        /** Block 0's only group: the context tokens (text) or proj(ctx) after ln_pre (vision), weight 1. */
        void start(Tensor tokens) {
            groups = new ArrayList<>(List.of(new Group(tokens, null)));
        }

        @Override
        public Tensor attend(int layer, Tensor x, Tensor h, BlockWeights w, Tensor mask) {
            if (layer >= 1 && layer < blocks) {
                Tensor row = weights.select(0, layer - 1);
                Tensor carry = row.select(0, 0);
                List<Group> next = new ArrayList<>();
                for (Group g : groups) {
                    next.add(new Group(g.tokens(), g.weight() == null ? carry : g.weight().mul(carry)));
                }
                for (int k = 1; k < candidates.size(); k++) {
                    Tensor p = promptParams.get(candidateName(layer, k));
                    Tensor tokens = branch == Branch.TEXT ? p : linear(MaPLe.couplingName(layer), p);
                    next.add(new Group(tokens.to(Tensors.dtype(x)).unsqueeze(0), row.select(0, k)));
                }
                groups = next;
            }
            boolean text = branch == Branch.TEXT;
            int len = (int) x.size(1);
            AttentionMath.Qkv t = AttentionMath.qkv(h, w);
            Tensor s = Ops.fp32(t.q().matmul(t.k().transpose(2, 3)));
            if (mask != null) {
                s = s.add(mask);
            }
            Tensor mx = Tensors.max(s, -1, true).detach();
            Tensor e = s.sub(mx).exp();
            Tensor z = Tensors.sum(e, -1, true);
            Tensor a = Ops.matmul(e, t.v());
            Tensor mixed = null;
            List<AttentionMath.Qkv> own = new ArrayList<>();
            for (Group g : groups) {
                Tensor hg = Ops.layerNorm(g.tokens(), w.ln1Gamma(), w.ln1Beta());
                AttentionMath.Qkv q = AttentionMath.qkv(hg, w);
                own.add(q);
                int n = (int) g.tokens().size(1);
                Tensor sk = Ops.fp32(Ops.matmul(t.q(), q.k().transpose(2, 3))); // (B, H, L, n)
                if (text) {
                    sk = sk.add(sosMask(len, n, sk)); // SOS precedes the prompts: it sees none of them
                }
                Tensor mk = org.bytedeco.pytorch.global.torch.maximum(mx, Tensors.max(sk, -1, true).detach());
                Tensor f = mx.sub(mk).exp();
                Tensor ek = sk.sub(mk).exp();
                Tensor o = a.mul(f).add(Ops.matmul(ek, q.v())).div(z.mul(f).add(Tensors.sum(ek, -1, true)));
                Tensor part = g.weight() == null ? o : o.mul(g.weight());
                mixed = mixed == null ? part : mixed.add(part);
            }
            Tensor out = AttentionMath.outProj(mixed, w);
            if (layer < lastLayer()) { // the last block's prompt outputs are read by nothing
                List<Group> carried = new ArrayList<>();
                for (int i = 0; i < groups.size(); i++) {
                    carried.add(new Group(through(groups.get(i).tokens(), own.get(i), t, w, text), groups.get(i).weight()));
                }
                groups = carried;
            }
            return out;
        }

        private int lastLayer() {
            return (branch == Branch.TEXT ? config.textLayers() : config.visionLayers()) - 1;
        }

        /**
         * A group's tokens through the block: attention over the stream's keys and the group's own (text: only
         * SOS of the stream and the group causally, as MaPLe's prompts at positions 1..n), then the MLP.
         */
        private Tensor through(Tensor tokens, AttentionMath.Qkv q, AttentionMath.Qkv t, BlockWeights w, boolean text) {
            long b = t.q().size(0);
            int n = (int) tokens.size(1);
            int len = (int) t.k().size(2);
            Tensor sx = Ops.fp32(Ops.matmul(q.q(), t.k().transpose(2, 3))); // (B, H, n, L)
            Tensor sg = Ops.fp32(q.q().matmul(q.k().transpose(2, 3))); // (1|B, H, n, n)
            if (text) {
                sx = sx.add(onlySos(n, len, sx));
                sg = sg.add(org.dpl4j.model.TextEncoder.causalMask(n, sg));
            }
            sg = sg.expand(b, sg.size(1), n, n);
            Tensor p = Tensors.cat(List.of(sx, sg), 3).softmax(-1);
            Tensor vg = q.v().expand(b, q.v().size(1), n, q.v().size(3));
            Tensor att = AttentionMath.outProj(Ops.matmul(p, Tensors.cat(List.of(t.v(), vg), 2)), w);
            Tensor y = tokens.add(att);
            Tensor m = Ops.layerNorm(y, w.ln2Gamma(), w.ln2Beta());
            m = Ops.affine(Ops.quickGelu(Ops.affine(m, w.fcT(), w.fcBias())), w.projT(), w.projBias());
            return y.add(m);
        }
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
