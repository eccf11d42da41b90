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
    private final int depth;

    private MaPLe(LearnedTensors tensors, int nCtx, int depth) {
        this.tensors = tensors;
        this.nCtx = nCtx;
        this.depth = depth;
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
        ClipConfig c = clip.config();
        if (nCtx < 1 || nCtx > CoCoOp.CTX_INIT.split(" ").length) {
            throw new IllegalArgumentException("maple: n_ctx must be 1.." + CoCoOp.CTX_INIT.split(" ").length
                    + " (its context starts as the words of '" + CoCoOp.CTX_INIT + "'), got " + nCtx);
        }
        int depth = depthFor(c, requestedDepth);
        LearnedTensors t = new LearnedTensors(clip.device());
        try {
            Random rng = new Random(seed);
            t.add("ctx", CoCoOp.contextInit(clip, nCtx), new Shape(nCtx, c.textWidth()));
            t.linear("proj", c.textWidth(), c.visionWidth(), rng);
            for (int i = 0; i < depth - 1; i++) {
                t.add("compound_prompts_text." + i, LearnedTensors.gaussian(nCtx * c.textWidth(), std, rng),
                        new Shape(nCtx, c.textWidth()));
            }
            if (depth > 1) {
                t.linear("compound_prompt_projections.0", c.textWidth(), c.visionWidth(), rng);
                for (int i = 1; i < depth - 1; i++) {
                    for (String part : List.of(".weight", ".bias")) {
                        Tensor first = t.get("compound_prompt_projections.0" + part);
                        t.add("compound_prompt_projections." + i + part, Tensors.toFloats(first), Shape.of(first));
                    }
                }
            }
            return new MaPLe(t, nCtx, depth);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * Tensors by their official names (golden/README.md), copied to {@code clip}'s device; the depth
     * is 1 + the number of deep text prompts.
     */
    public static MaPLe of(Map<String, Tensor> source, ClipModel clip) {
        ClipConfig c = clip.config();
        Tensor ctx = source.get("ctx");
        if (ctx == null || ctx.dim() != 2) {
            throw new IllegalArgumentException("maple prompts: tensor 'ctx' is missing or not (n, " + c.textWidth() + ")");
        }
        int n = (int) ctx.size(0);
        int depth = 1;
        while (source.containsKey("compound_prompts_text." + (depth - 1))) {
            depth++;
        }
        if (depth > Math.min(c.textLayers(), c.visionLayers())) {
            throw new IllegalArgumentException("maple prompts: " + (depth - 1) + " deep prompts need " + depth
                    + " blocks, the model has " + Math.min(c.textLayers(), c.visionLayers()));
        }
        LearnedTensors t = new LearnedTensors(clip.device());
        try {
            Shape text = new Shape(n, c.textWidth());
            t.copy(source, "ctx", text, METHOD);
            t.copy(source, "proj.weight", new Shape(c.visionWidth(), c.textWidth()), METHOD);
            t.copy(source, "proj.bias", new Shape(c.visionWidth()), METHOD);
            for (int i = 0; i < depth - 1; i++) {
                t.copy(source, "compound_prompts_text." + i, text, METHOD);
            }
            for (int i = 0; i < depth - 1; i++) {
                t.copy(source, "compound_prompt_projections." + i + ".weight", new Shape(c.visionWidth(), c.textWidth()), METHOD);
                t.copy(source, "compound_prompt_projections." + i + ".bias", new Shape(c.visionWidth()), METHOD);
            }
            return new MaPLe(t, n, depth);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    public int depth() {
        return depth;
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

    /** The deep vision prompts of blocks 1..J−1: each coupling applied to its text prompt. */
    List<Tensor> visualDeepPrompts() {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < depth - 1; i++) {
            out.add(tensors.linear("compound_prompt_projections." + i, tensors.get("compound_prompts_text." + i)));
        }
        return out;
    }

    /** Text features (C, E), before normalisation. */
    Tensor textFeatures(ClipModel clip, ClassTexts texts) {
        List<Tensor> deep = new ArrayList<>();
        for (int i = 0; i < depth - 1; i++) {
            deep.add(tensors.get("compound_prompts_text." + i));
        }
        BlockInput replace = (layer, x) -> layer < 1 || layer >= depth ? x
                : Tensors.cat(List.of(x.narrow(1, 0, 1), expand(deep.get(layer - 1), x),
                        x.narrow(1, 1 + nCtx, x.size(1) - 1 - nCtx)), 1);
        return clip.text().encodeEmbeddings(texts.input(tensors.get("ctx")), texts.eot(), BlockAttention.PLAIN,
                replace, true);
    }

    /** Image features (B, E), before normalisation. */
    Tensor imageFeatures(ClipModel clip, Tensor images) {
        List<Tensor> deep = visualDeepPrompts();
        Tensor x = clip.image().embed(images);
        x = clip.image().preNorm(Tensors.cat(List.of(x, expand(sharedContext(), x)), 1));
        BlockInput replace = (layer, t) -> layer < 1 || layer >= depth ? t
                : Tensors.cat(List.of(t.narrow(1, 0, t.size(1) - nCtx), expand(deep.get(layer - 1), t)), 1);
        return clip.image().encodeTokens(x, BlockAttention.PLAIN, replace);
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
        tensors.save(file, METHOD, Map.of("n_ctx", Integer.toString(nCtx), "prompt_depth", Integer.toString(depth)));
    }

    @Override
    public void close() {
        tensors.close();
    }
}
