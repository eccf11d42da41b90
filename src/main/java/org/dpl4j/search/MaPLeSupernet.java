package org.dpl4j.search;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockInput;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.CoCoOp;
import org.dpl4j.prompts.MaPLe;
import org.dpl4j.prompts.ParameterStore;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * DPL's search over MaPLe's compound prompts (docs/design.md §5, "Searching MaPLe"). Block 0 carries MaPLe's
 * input context (n = 2 words of "a photo of a" replaced; vision proj(ctx)) in every configuration. Every
 * block l = 1..D−1 (D = both towers' common depth) has one alpha row over the candidate lengths, shared by
 * both towers (coupled: the vision prompts are the text prompts' couplings), an independent text prompt per
 * non-zero candidate and one coupling Linear shared by its candidates (it maps token by token); candidate 0
 * carries the previous block's prompt tokens on. The per-block mixing is {@link MaPLeMixture}.
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

    private final Candidates candidates;
    private final ClipConfig config;
    private final int blocks;
    private final int context;
    /** {@link #alphaName()}: one row per searched block l = 1..D−1. */
    private final ParameterStore alphas;
    /** ctx, proj, the text candidates {@link #candidateName} and one coupling per searched block. */
    private final ParameterStore prompts;

    private MaPLeSupernet(List<Integer> candidates, ClipConfig config, Device device) {
        this.candidates = new Candidates(candidates);
        this.config = config;
        this.blocks = Math.min(config.textLayers(), config.visionLayers());
        this.context = MaPLe.N_CTX;
        if (blocks < 2) {
            throw new IllegalArgumentException("maple search: the model has " + blocks + " block(s); blocks 2.. are searched");
        }
        this.alphas = new ParameterStore(device);
        this.prompts = new ParameterStore(device);
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
            s.alphas.add(alphaName(), a, new Shape(s.blocks - 1, k1));
            s.prompts.add("ctx", CoCoOp.contextInit(clip, s.context), new Shape(s.context, c.textWidth()));
            s.prompts.linear("proj", c.textWidth(), c.visionWidth(), rng);
            for (int l = 1; l < s.blocks; l++) {
                for (int k = 1; k < k1; k++) {
                    s.prompts.add(candidateName(l, k), ParameterStore.gaussian(candidates.get(k) * c.textWidth(), PROMPT_STD, rng),
                            new Shape(candidates.get(k), c.textWidth()));
                }
            }
            s.prompts.linear(MaPLe.couplingName(1), c.textWidth(), c.visionWidth(), rng);
            for (int l = 2; l < s.blocks; l++) {
                s.prompts.linearLike(MaPLe.couplingName(l), MaPLe.couplingName(1));
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
                for (Map.Entry<String, Tensor> e : shape.alphas.all().entrySet()) {
                    s.alphas.copy(tensors, e.getKey(), Shape.of(e.getValue()), "maple supernet");
                }
                for (Map.Entry<String, Tensor> e : shape.prompts.all().entrySet()) {
                    s.prompts.copy(tensors, e.getKey(), Shape.of(e.getValue()), "maple supernet");
                }
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
        }
        return s;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public List<Integer> candidates() {
        return candidates.lengths();
    }

    /** The searched blocks: 1..D−1. */
    public int blocks() {
        return blocks;
    }

    @Override
    public Map<String, Tensor> alphaParameters() {
        return alphas.all();
    }

    @Override
    public Map<String, Tensor> promptParameters() {
        return prompts.all();
    }

    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, String template) {
        return ClassTexts.build(clip, classNames, List.of(CoCoOp.TEMPLATE)); // MaPLe's fixed text input (its CTX_INIT)
    }

    @Override
    public Tensor textFeatures(ClipModel clip, ClassTexts texts) {
        MaPLeMixture mix = new MaPLeMixture(this, Branch.TEXT, alphas.get(alphaName()).softmax(1));
        Tensor ctx = prompts.get("ctx");
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
    public Tensor imageFeatures(ClipModel clip, Tensor images) {
        MaPLeMixture mix = new MaPLeMixture(this, Branch.IMAGE, alphas.get(alphaName()).softmax(1));
        Tensor x = clip.image().stem(images);
        Tensor shared = prompts.linear("proj", prompts.get("ctx"));
        mix.start(clip.image().preNorm(shared.to(Tensors.dtype(x))).unsqueeze(0));
        return clip.image().encodeTokens(x, mix, BlockInput.UNCHANGED);
    }

    /** Candidate k ≥ 1 of block l's text prompt (c_k, text width). */
    Tensor candidate(int layer, int k) {
        return prompts.get(candidateName(layer, k));
    }

    /** Block l's vision tokens for a text prompt: its coupling Linear applied token by token. */
    Tensor coupled(int layer, Tensor textPrompt) {
        return prompts.linear(MaPLe.couplingName(layer), textPrompt);
    }

    /** The last block of a tower (its prompt outputs are read by nothing). */
    int lastLayer(Branch b) {
        return config.layers(b) - 1;
    }

    /** Coupled: one row of weights per searched block, the same for text and image. */
    @Override
    public AlphaSnapshot snapshot(int epoch) {
        float[][] w = candidates.softmaxRows(alphas.get(alphaName()));
        float[][] copy = new float[w.length][];
        for (int l = 0; l < w.length; l++) {
            copy[l] = w[l].clone();
        }
        return new AlphaSnapshot(epoch, candidates.lengths(), w, copy);
    }

    /** Block 0: the context; block l ≥ 1: the argmax candidate of row l−1 (ties: the first), in both towers. */
    @Override
    public PromptConfig layout(AlphaSnapshot snapshot) {
        float[][] w = snapshot.text();
        int[] lengths = new int[w.length + 1];
        lengths[0] = context;
        for (int l = 0; l < w.length; l++) {
            lengths[l + 1] = candidates.get(Candidates.argmax(w[l]));
        }
        return MaPLe.config(lengths, config);
    }

    @Override
    public void close() {
        alphas.close();
        prompts.close();
    }
}
