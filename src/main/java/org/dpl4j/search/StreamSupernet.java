package org.dpl4j.search;

import java.util.ArrayList;
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
import org.dpl4j.prompts.ParameterStore;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.StreamLayout;
import org.dpl4j.prompts.StreamMethod;
import org.dpl4j.prompts.StreamPrompts;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * DPL's search over the per-block prompt lengths of a token-replacement method ({@link StreamPrompts}; docs/design.md
 * §5, "Searching MaPLe and PromptSRC"): MaPLe (coupled towers) or PromptSRC (independent towers). Block 0 keeps the
 * method's input prompts in every configuration (MaPLe: 2 words of "a photo of a" replaced, vision proj(ctx);
 * PromptSRC: all 4 words, 4 vision tokens {@code image_encoder.VPT}). Every later block l has a row of alphas over
 * the candidate lengths: one row shared by both towers when they are coupled (the vision prompts are Linear maps of
 * the text prompts), one per tower otherwise. Each non-zero candidate is a prompt of its own (coupled: a text prompt,
 * with one coupling Linear per block shared by its candidates, as it maps token by token); candidate 0 carries the
 * previous block's prompt tokens on.
 *
 * <p>The prompt tokens are kept out of the residual stream as <em>groups</em> (tokens, weight): the tokens
 * some choice of the blocks so far would hold in the stream, weighted by the product of those choices'
 * softmax weights. Block l turns every group g into (g, w_{l,0}·weight) and adds its K candidates with weights
 * w_{l,k}; the weights always sum to one. The class/patch tokens attend as in DPL's fused mixture: the shared
 * token part once, each group's key columns on top, the outputs mixed with the group weights before the
 * output projection; each group's own tokens go through the block attending to the stream's keys and their
 * own (text: SOS and causally, as prompts at positions 1..n), so they can be carried on ({@link StreamMixture}).
 * With one-hot alphas exactly one group has weight 1 in every block and the supernet is the method with that
 * layout.
 */
public final class StreamSupernet implements SearchSpace {
    /** Deep prompts start as N(0, 0.02²), as the official code draws them. */
    static final float PROMPT_STD = 0.02f;

    private final StreamMethod method;
    private final Candidates candidates;
    private final ClipConfig config;
    /** The published layout's block-0 lengths, kept in every configuration. */
    private final int context;
    private final int visionContext;
    /** Blocks per tower, the first (0) not searched; coupled towers count their common blocks. */
    private final int textBlocks;
    private final int visionBlocks;
    /** {@link #alphaName}: one row per searched block. */
    private final ParameterStore alphas;
    /** Input prompts, the candidates {@link #candidateName} and (coupled) the couplings. */
    private final ParameterStore prompts;

    private StreamSupernet(StreamMethod method, List<Integer> candidates, ClipConfig config, Device device) {
        this.method = method;
        this.candidates = new Candidates(candidates);
        this.config = config;
        StreamLayout published = method.published(config);
        this.context = published.text().get(0);
        this.visionContext = published.vision().get(0);
        int common = Math.min(config.textLayers(), config.visionLayers());
        this.textBlocks = method.coupled() ? common : config.textLayers();
        this.visionBlocks = method.coupled() ? common : config.visionLayers();
        if (Math.min(textBlocks, visionBlocks) < 2) {
            throw new IllegalArgumentException(method.id() + " search: the model has " + Math.min(textBlocks, visionBlocks)
                    + " block(s); blocks 2.. are searched");
        }
        this.alphas = new ParameterStore(device);
        this.prompts = new ParameterStore(device);
    }

    /** The alphas of a tower: {@code alphas.blocks} for coupled towers (one row per block for both), else per tower. */
    public static String alphaName(StreamMethod method, Branch b) {
        return method.coupled() ? "alphas.blocks" : "alphas." + b.key();
    }

    /** Candidate k ≥ 1 of block l ≥ 1: the method's name of that block's prompt, then {@code .k}. */
    public static String candidateName(StreamMethod method, Branch b, int layer, int k) {
        String prompt = b == Branch.TEXT || method.coupled() ? StreamPrompts.textName(layer, method.coupled())
                : StreamPrompts.visionName(layer);
        return prompt + "." + k;
    }

    /**
     * Initialises as the method and DPL do, from one seeded {@link Random}: alphas {@code 1e-3·N(0,1)} (text rows, then
     * image rows), ctx from the words of "a photo of a"; coupled: proj as PyTorch's default Linear, the text candidates
     * N(0, 0.02²), the first coupling as PyTorch's default Linear and the others equal to it (MaPLe deep-copies one);
     * independent: the input vision prompt, then text, then vision candidates, N(0, 0.02²).
     */
    public static StreamSupernet init(StreamMethod method, ClipModel clip, List<Integer> candidates, long seed) {
        ClipConfig c = clip.config();
        StreamSupernet s = new StreamSupernet(method, candidates, c, clip.device());
        try {
            Random rng = new Random(seed);
            int k1 = candidates.size();
            for (Branch b : s.towers()) {
                float[] a = new float[(s.blocks(b) - 1) * k1];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (1e-3 * rng.nextGaussian());
                }
                s.alphas.add(alphaName(method, b), a, new Shape(s.blocks(b) - 1, k1));
            }
            s.prompts.add(StreamPrompts.CONTEXT, CoCoOp.contextInit(clip, s.context));
            if (method.coupled()) {
                s.prompts.linear(StreamPrompts.PROJ, c.textWidth(), c.visionWidth(), rng);
            } else {
                s.prompts.add(StreamPrompts.VISION_INPUT, ParameterStore.gaussian(s.visionContext * c.visionWidth(), PROMPT_STD, rng),
                        new Shape(s.visionContext, c.visionWidth()));
            }
            for (Branch b : method.coupled() ? List.of(Branch.TEXT) : List.of(Branch.TEXT, Branch.IMAGE)) {
                int width = c.width(b);
                for (int l = 1; l < s.blocks(b); l++) {
                    for (int k = 1; k < k1; k++) {
                        s.prompts.add(candidateName(method, b, l, k), ParameterStore.gaussian(candidates.get(k) * width, PROMPT_STD, rng),
                                new Shape(candidates.get(k), width));
                    }
                }
            }
            if (method.coupled()) {
                s.prompts.linear(StreamPrompts.couplingName(1), c.textWidth(), c.visionWidth(), rng);
                for (int l = 2; l < s.textBlocks; l++) {
                    s.prompts.linearLike(StreamPrompts.couplingName(l), StreamPrompts.couplingName(1));
                }
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A supernet with given values (copied), named as {@link #alphaParameters()} and {@link #promptParameters()}. */
    public static StreamSupernet of(StreamMethod method, Map<String, Tensor> tensors, ClipModel clip, List<Integer> candidates) {
        String owner = method.id() + " supernet";
        StreamSupernet s;
        try (StreamSupernet shape = init(method, clip, candidates, 0)) {
            s = new StreamSupernet(method, candidates, clip.config(), clip.device());
            try {
                for (Map.Entry<String, Tensor> e : shape.alphas.all().entrySet()) {
                    s.alphas.copy(tensors, e.getKey(), Shape.of(e.getValue()), owner);
                }
                for (Map.Entry<String, Tensor> e : shape.prompts.all().entrySet()) {
                    s.prompts.copy(tensors, e.getKey(), Shape.of(e.getValue()), owner);
                }
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
        }
        return s;
    }

    /** The towers with alphas of their own: one (text) for coupled towers, both otherwise. */
    private List<Branch> towers() {
        return method.coupled() ? List.of(Branch.TEXT) : List.of(Branch.TEXT, Branch.IMAGE);
    }

    /** A tower's blocks 0..n−1 (block 0 not searched). */
    int blocks(Branch b) {
        return b == Branch.TEXT ? textBlocks : visionBlocks;
    }

    @Override
    public String method() {
        return method.id();
    }

    @Override
    public List<Integer> candidates() {
        return candidates.lengths();
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
        return ClassTexts.build(clip, classNames, List.of(CoCoOp.TEMPLATE)); // the methods' fixed text input (their CTX_INIT)
    }

    private Tensor weights(Branch b) {
        return alphas.get(alphaName(method, b)).softmax(1);
    }

    @Override
    public Tensor textFeatures(ClipModel clip, ClassTexts texts) {
        StreamMixture mix = new StreamMixture(Branch.TEXT, weights(Branch.TEXT), candidates.size(),
                (l, k) -> prompts.get(candidateName(method, Branch.TEXT, l, k)), config.textLayers() - 1);
        Tensor ctx = prompts.get(StreamPrompts.CONTEXT);
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
        StreamMixture.CandidateTokens tokens = method.coupled()
                ? (l, k) -> prompts.linear(StreamPrompts.couplingName(l), prompts.get(candidateName(method, Branch.TEXT, l, k)))
                : (l, k) -> prompts.get(candidateName(method, Branch.IMAGE, l, k));
        StreamMixture mix = new StreamMixture(Branch.IMAGE, weights(Branch.IMAGE), candidates.size(), tokens,
                config.visionLayers() - 1);
        Tensor x = clip.image().stem(images);
        Tensor input = method.coupled() ? prompts.linear(StreamPrompts.PROJ, prompts.get(StreamPrompts.CONTEXT))
                : prompts.get(StreamPrompts.VISION_INPUT);
        mix.start(clip.image().preNorm(input.to(Tensors.dtype(x))).unsqueeze(0));
        return clip.image().encodeTokens(x, mix, BlockInput.UNCHANGED);
    }

    /** One row of weights per searched block and tower (coupled: the same rows for both). */
    @Override
    public AlphaSnapshot snapshot(int epoch) {
        float[][] text = candidates.softmaxRows(alphas.get(alphaName(method, Branch.TEXT)));
        float[][] image = candidates.softmaxRows(alphas.get(alphaName(method, Branch.IMAGE)));
        return new AlphaSnapshot(epoch, candidates.lengths(), text, image);
    }

    /** Block 0: the method's input prompts; block l ≥ 1: the argmax candidate of its row (ties: the first). */
    @Override
    public PromptConfig layout(AlphaSnapshot snapshot) {
        return new StreamLayout(argmax(context, snapshot.text()), argmax(visionContext, snapshot.image()), method.coupled())
                .config(config);
    }

    private List<Integer> argmax(int first, float[][] rows) {
        List<Integer> out = new ArrayList<>(List.of(first));
        for (float[] row : rows) {
            out.add(candidates.get(Candidates.argmax(row)));
        }
        return out;
    }

    @Override
    public void close() {
        alphas.close();
        prompts.close();
    }
}
