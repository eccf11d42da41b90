package org.dpl4j.prompts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockInput;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * MaPLe (Khattak et al., CVPR 2023), as muzairkhattak/multimodal-prompt-learning runs it: n text
 * tokens {@code ctx} replace the first n words of "a photo of a {c}." at the input, and the vision
 * tokens of the input are {@code proj(ctx)}, appended after the patches before {@code ln_pre}. In
 * blocks 1..J−1 the text prompts {@code compound_prompts_text.{i}} replace text positions 1..n and
 * their couplings {@code compound_prompt_projections.{i}(·)} (Linear, text width → vision width)
 * replace the last n vision tokens; deeper blocks carry the tokens on. A class of its own because
 * these prompts live in the residual stream and are replaced block by block ({@link BlockInput}),
 * unlike DPL's per-block keys/values ({@link DeepPrompts}).
 */
public final class MaPLe implements PromptLearner {
    public static final String METHOD = "maple";
    /** Official defaults: N_CTX 2, PROMPT_DEPTH 9 (capped at the model's depth). */
    public static final int N_CTX = 2;
    public static final int DEPTH = 9;

    private final LearnedTensors tensors;
    private final int nCtx;
    /** Prompt length per block 0..D−1 (D = both towers' common depth): block 0 the context, 0 = carry on. */
    private final int[] lengths;

    private MaPLe(LearnedTensors tensors, int[] lengths) {
        this.tensors = tensors;
        this.nCtx = lengths[0];
        int last = 0;
        for (int l = 1; l < lengths.length; l++) {
            if (lengths[l] > 0) {
                last = l;
            }
        }
        this.lengths = java.util.Arrays.copyOf(lengths, last + 1);
    }

    /** Prompt depth J for a model: the requested one capped at both towers' depth. */
    public static int depthFor(ClipConfig c, int requested) {
        return Math.max(1, Math.min(requested, Math.min(c.textLayers(), c.visionLayers())));
    }

    /**
     * The official initialisation: ctx from the first n words of "a photo of a", deep text prompts
     * N(0, std²), Linear couplings as PyTorch's default; the J−1 deep couplings start equal
     * (the official code deep-copies one layer).
     */
    public static MaPLe init(ClipModel clip, int nCtx, int requestedDepth, float std, long seed) {
        int depth = depthFor(clip.config(), requestedDepth);
        int[] lengths = new int[depth];
        java.util.Arrays.fill(lengths, nCtx);
        return init(clip, lengths, std, seed);
    }

    /**
     * MaPLe with a prompt length per block (docs/design.md §5, "Searching MaPLe"): {@code lengths[0]} is the
     * input context n (1..4 words of "a photo of a" replaced; vision proj(ctx)); block l ≥ 1 with
     * {@code lengths[l]} > 0 replaces the stream's prompt tokens by its own text prompt of that length and
     * their coupling, 0 carries the previous block's tokens on (MaPLe beyond its depth J). Blocks past the
     * array carry on. MaPLe's published layout, n in blocks 0..J−1, initialises exactly as
     * {@link #init(ClipModel, int, int, float, long)}: the same tensors drawn in the same order.
     */
    public static MaPLe init(ClipModel clip, int[] lengths, float std, long seed) {
        ClipConfig c = clip.config();
        check(c, lengths);
        int nCtx = lengths[0];
        LearnedTensors t = new LearnedTensors(clip.device());
        try {
            Random rng = new Random(seed);
            t.add("ctx", CoCoOp.contextInit(clip, nCtx));
            t.linear("proj", c.textWidth(), c.visionWidth(), rng);
            List<Integer> deep = new ArrayList<>();
            for (int l = 1; l < lengths.length; l++) {
                if (lengths[l] > 0) {
                    deep.add(l);
                    t.add(textName(l), LearnedTensors.gaussian(lengths[l] * c.textWidth(), std, rng),
                            new Shape(lengths[l], c.textWidth()));
                }
            }
            for (int i = 0; i < deep.size(); i++) {
                String name = couplingName(deep.get(i));
                if (i == 0) {
                    t.linear(name, c.textWidth(), c.visionWidth(), rng);
                } else {
                    for (String part : List.of(".weight", ".bias")) {
                        Tensor first = t.get(couplingName(deep.get(0)) + part);
                        t.add(name + part, first);
                    }
                }
            }
            return new MaPLe(t, lengths);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Fails naming the problem unless {@code lengths} is a MaPLe layout for this model. */
    private static void check(ClipConfig c, int[] lengths) {
        int blocks = Math.min(c.textLayers(), c.visionLayers());
        int words = CoCoOp.CTX_INIT.split(" ").length;
        if (lengths.length < 1 || lengths[0] < 1 || lengths[0] > words) {
            throw new IllegalArgumentException("maple: n_ctx must be 1.." + words + " (its context starts as the words of '"
                    + CoCoOp.CTX_INIT + "'), got " + (lengths.length < 1 ? "none" : Integer.toString(lengths[0])));
        }
        if (lengths.length > blocks) {
            throw new IllegalArgumentException("maple: a layout of " + lengths.length + " blocks, the model has " + blocks);
        }
        for (int n : lengths) {
            if (n < 0) {
                throw new IllegalArgumentException("maple: prompt lengths must be >= 0, got " + java.util.Arrays.toString(lengths));
            }
        }
    }

    /** The official name of block l's deep text prompt (l ≥ 1). */
    public static String textName(int layer) {
        return "compound_prompts_text." + (layer - 1);
    }

    /** The official name of block l's coupling Linear (l ≥ 1), without ".weight"/".bias". */
    public static String couplingName(int layer) {
        return "compound_prompt_projections." + (layer - 1);
    }

    /**
     * The per-block lengths of a MaPLe {@link PromptConfig} (the {@code maple} preset, or a searched layout):
     * {@code context} is block 0's; block l ≥ 1 reads the image list, which must equal the text list there
     * (coupled), and blocks 0's text entry must be 0 (its text prompt is the context). Trailing zeros are
     * dropped.
     */
    public static int[] lengthsOf(PromptConfig config, ClipConfig c) {
        int blocks = Math.min(c.textLayers(), c.visionLayers());
        List<Integer> t = config.text();
        List<Integer> v = config.image();
        if (t.get(0) != 0 || v.get(0) != config.context()) {
            throw new IllegalArgumentException("maple layout: block 1 carries the context (" + config.context()
                    + " tokens): its text length must be 0 and its image length the context, got text " + t.get(0)
                    + " image " + v.get(0));
        }
        int last = 0;
        for (int l = 1; l < Math.max(t.size(), v.size()); l++) {
            int tl = l < t.size() ? t.get(l) : 0;
            int vl = l < v.size() ? v.get(l) : 0;
            if (tl != vl) {
                throw new IllegalArgumentException("maple layout: vision prompts are couplings of the text prompts, so block "
                        + (l + 1) + " needs equal text and image lengths, got " + tl + " and " + vl);
            }
            if (tl > 0) {
                if (l >= blocks) {
                    throw new IllegalArgumentException("maple layout: block " + (l + 1) + " has a prompt, but only the first "
                            + blocks + " blocks exist in both towers");
                }
                last = l;
            }
        }
        int[] out = new int[last + 1];
        out[0] = config.context();
        for (int l = 1; l <= last; l++) {
            out[l] = t.get(l);
        }
        return out;
    }

    /** The {@link PromptConfig} of per-block lengths (the inverse of {@link #lengthsOf}). */
    public static PromptConfig config(int[] lengths, ClipConfig c) {
        List<Integer> text = new ArrayList<>(java.util.Collections.nCopies(c.textLayers(), 0));
        List<Integer> image = new ArrayList<>(java.util.Collections.nCopies(c.visionLayers(), 0));
        image.set(0, lengths[0]);
        for (int l = 1; l < lengths.length; l++) {
            text.set(l, lengths[l]);
            image.set(l, lengths[l]);
        }
        return new PromptConfig(text, image, lengths[0]);
    }

    /**
     * Tensors by their official names (golden/README.md), copied to {@code clip}'s device; block l ≥ 1 is
     * prompted when {@code compound_prompts_text.(l−1)} is present, with that tensor's length.
     */
    public static MaPLe of(Map<String, Tensor> source, ClipModel clip) {
        ClipConfig c = clip.config();
        Tensor ctx = source.get("ctx");
        if (ctx == null || ctx.dim() != 2) {
            throw new IllegalArgumentException("maple prompts: tensor 'ctx' is missing or not (n, " + c.textWidth() + ")");
        }
        int blocks = Math.min(c.textLayers(), c.visionLayers());
        int last = 0;
        for (String name : source.keySet()) {
            if (name.startsWith("compound_prompts_text.")) {
                int l;
                try {
                    l = Integer.parseInt(name.substring("compound_prompts_text.".length())) + 1;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("maple prompts: unexpected tensor '" + name + "'");
                }
                last = Math.max(last, l);
            }
        }
        if (last + 1 > blocks) {
            throw new IllegalArgumentException("maple prompts: " + last + " deep prompts need " + (last + 1)
                    + " blocks, the model has " + blocks);
        }
        int[] lengths = new int[last + 1];
        lengths[0] = (int) ctx.size(0);
        for (int l = 1; l <= last; l++) {
            Tensor p = source.get(textName(l));
            lengths[l] = p == null ? 0 : (int) p.size(0);
        }
        LearnedTensors t = new LearnedTensors(clip.device());
        try {
            t.copy(source, "ctx", new Shape(lengths[0], c.textWidth()), METHOD);
            t.copy(source, "proj.weight", new Shape(c.visionWidth(), c.textWidth()), METHOD);
            t.copy(source, "proj.bias", new Shape(c.visionWidth()), METHOD);
            for (int l = 1; l <= last; l++) {
                if (lengths[l] > 0) {
                    t.copy(source, textName(l), new Shape(lengths[l], c.textWidth()), METHOD);
                }
            }
            for (int l = 1; l <= last; l++) {
                if (lengths[l] > 0) {
                    t.copy(source, couplingName(l) + ".weight", new Shape(c.visionWidth(), c.textWidth()), METHOD);
                    t.copy(source, couplingName(l) + ".bias", new Shape(c.visionWidth()), METHOD);
                }
            }
            return new MaPLe(t, lengths);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Prompt length per block from block 0 (the context) to the last prompted block. */
    public int[] lengths() {
        return lengths.clone();
    }

    /** 1 + the last prompted block (MaPLe's J for its published layout). */
    public int depth() {
        return lengths.length;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return tensors.all();
    }

    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, List<String> templates) {
        return ClassTexts.build(clip, classNames, List.of(CoCoOp.TEMPLATE));
    }

    /** The block-0 vision prompt proj(ctx) (n, vision width). */
    Tensor sharedContext() {
        return tensors.linear("proj", tensors.get("ctx"));
    }

    /** The deep vision prompts of the prompted blocks 1..J−1, in block order: each coupling applied to its text prompt. */
    List<Tensor> visualDeepPrompts() {
        List<Tensor> out = new ArrayList<>();
        for (int l = 1; l < lengths.length; l++) {
            if (lengths[l] > 0) {
                out.add(tensors.linear(couplingName(l), tensors.get(textName(l))));
            }
        }
        return out;
    }

    /**
     * Replaces the stream's prompt tokens in every prompted block l ≥ 1 by {@code prompts[l]} ({@code prompts[l]}
     * null: carried on); text prompts follow SOS, vision prompts end the sequence. One per forward: it tracks how
     * many prompt tokens the stream holds (the context's n at the start).
     */
    private BlockInput replacing(Tensor[] prompts, boolean text) {
        int[] held = {nCtx};
        return (layer, x) -> {
            if (layer < 1 || layer >= prompts.length || prompts[layer] == null) {
                return x;
            }
            int m = held[0];
            held[0] = (int) prompts[layer].size(0);
            return text
                    ? Tensors.cat(List.of(x.narrow(1, 0, 1), expand(prompts[layer], x), x.narrow(1, 1 + m, x.size(1) - 1 - m)), 1)
                    : Tensors.cat(List.of(x.narrow(1, 0, x.size(1) - m), expand(prompts[layer], x)), 1);
        };
    }

    /** Text features (C, E), before normalisation. */
    Tensor textFeatures(ClipModel clip, ClassTexts texts) {
        Tensor[] deep = new Tensor[lengths.length];
        for (int l = 1; l < lengths.length; l++) {
            deep[l] = lengths[l] > 0 ? tensors.get(textName(l)) : null;
        }
        return clip.text().encodeEmbeddings(texts.input(tensors.get("ctx")), texts.eot(), BlockAttention.PLAIN,
                replacing(deep, true), true);
    }

    /** Image features (B, E), before normalisation. */
    Tensor imageFeatures(ClipModel clip, Tensor images) {
        Tensor[] deep = new Tensor[lengths.length];
        for (int l = 1; l < lengths.length; l++) {
            deep[l] = lengths[l] > 0 ? tensors.linear(couplingName(l), tensors.get(textName(l))) : null;
        }
        Tensor x = clip.image().embed(images);
        x = clip.image().preNorm(Tensors.cat(List.of(x, expand(sharedContext(), x)), 1));
        return clip.image().encodeTokens(x, BlockAttention.PLAIN, replacing(deep, false));
    }

    /** A prompt (n, W) repeated over the batch of {@code like} (B, L, W), in {@code like}'s dtype. */
    private static Tensor expand(Tensor prompt, Tensor like) {
        return prompt.to(Tensors.dtype(like)).unsqueeze(0).expand(like.size(0), prompt.size(0), prompt.size(1));
    }

    @Override
    public Tensor logits(ClipModel clip, Tensor images, ClassTexts texts) {
        return clip.logits(imageFeatures(clip, images), textFeatures(clip, texts));
    }

    @Override
    public Scorer freeze(ClipModel clip, ClassTexts texts) {
        Tensor text;
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
            text = textFeatures(clip, texts);
        }
        return Scorer.fixedText(clip, text, images -> imageFeatures(clip, images));
    }

    @Override
    public void save(Path file) throws IOException {
        tensors.save(file, METHOD, Map.of("n_ctx", Integer.toString(nCtx), "prompt_depth", Integer.toString(depth())));
    }

    @Override
    public void close() {
        tensors.close();
    }
}
