package org.dpl4j.prompts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockInput;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.Ops;

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
    public static MaPLe init(ClipModel clip, int nCtx, int requestedDepth, float std, long seed, NDManager parent) {
        ClipConfig c = clip.config();
        if (nCtx < 1 || nCtx > CoCoOp.CTX_INIT.split(" ").length) {
            throw new IllegalArgumentException("maple: n_ctx must be 1.." + CoCoOp.CTX_INIT.split(" ").length
                    + " (its context starts as the words of '" + CoCoOp.CTX_INIT + "'), got " + nCtx);
        }
        int depth = depthFor(c, requestedDepth);
        LearnedTensors t = new LearnedTensors(parent);
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
                        NDArray first = t.get("compound_prompt_projections.0" + part);
                        t.add("compound_prompt_projections." + i + part, first.toFloatArray(), first.getShape());
                    }
                }
            }
            return new MaPLe(t, nCtx, depth);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Tensors by their official names (golden/README.md), copied; the depth is 1 + the number of deep text prompts. */
    public static MaPLe of(Map<String, NDArray> source, ClipConfig c, NDManager parent) {
        NDArray ctx = source.get("ctx");
        if (ctx == null || ctx.getShape().dimension() != 2) {
            throw new IllegalArgumentException("maple prompts: tensor 'ctx' is missing or not (n, " + c.textWidth() + ")");
        }
        int n = (int) ctx.getShape().get(0);
        int depth = 1;
        while (source.containsKey("compound_prompts_text." + (depth - 1))) {
            depth++;
        }
        if (depth > Math.min(c.textLayers(), c.visionLayers())) {
            throw new IllegalArgumentException("maple prompts: " + (depth - 1) + " deep prompts need " + depth
                    + " blocks, the model has " + Math.min(c.textLayers(), c.visionLayers()));
        }
        LearnedTensors t = new LearnedTensors(parent);
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
    public Map<String, NDArray> parameters() {
        return tensors.all();
    }

    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, List<String> templates, NDManager m) {
        return ClassTexts.build(clip, classNames, List.of(CoCoOp.TEMPLATE), m);
    }

    /** The block-0 vision prompt proj(ctx) (n, vision width), in {@code scope}. */
    NDArray sharedContext(NDManager scope) {
        return tensors.linear("proj", Ops.into(scope, tensors.get("ctx")));
    }

    /** The deep vision prompts of blocks 1..J−1: each coupling applied to its text prompt. */
    List<NDArray> visualDeepPrompts(NDManager scope) {
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < depth - 1; i++) {
            out.add(tensors.linear("compound_prompt_projections." + i, Ops.into(scope, tensors.get("compound_prompts_text." + i))));
        }
        return out;
    }

    /** Text features (C, E), before normalisation. */
    NDArray textFeatures(ClipModel clip, NDManager scope, ClassTexts texts) {
        List<NDArray> deep = new ArrayList<>();
        for (int i = 0; i < depth - 1; i++) {
            deep.add(Ops.into(scope, tensors.get("compound_prompts_text." + i)));
        }
        BlockInput replace = (layer, x) -> layer < 1 || layer >= depth ? x
                : NDArrays.concat(new NDList(x.get(new NDIndex(":, :1")), expand(deep.get(layer - 1), x),
                        x.get(new NDIndex(":, {}:", 1 + nCtx))), 1);
        return clip.text().encodeEmbeddings(scope, texts.input(scope, tensors.get("ctx")), texts.eot(), BlockAttention.PLAIN,
                replace, true);
    }

    /** Image features (B, E), before normalisation. */
    NDArray imageFeatures(ClipModel clip, NDArray images) {
        NDManager scope = images.getManager();
        List<NDArray> deep = visualDeepPrompts(scope);
        NDArray x = clip.image().embed(images);
        x = clip.image().preNorm(NDArrays.concat(new NDList(x, expand(sharedContext(scope), x)), 1));
        BlockInput replace = (layer, t) -> layer < 1 || layer >= depth ? t
                : NDArrays.concat(new NDList(t.get(new NDIndex(":, :{}", t.getShape().get(1) - nCtx)),
                        expand(deep.get(layer - 1), t)), 1);
        return clip.image().encodeTokens(x, BlockAttention.PLAIN, replace);
    }

    /** A prompt (n, W) repeated over the batch of {@code like} (B, L, W). */
    private static NDArray expand(NDArray prompt, NDArray like) {
        return prompt.expandDims(0).broadcast(new Shape(like.getShape().get(0), prompt.getShape().get(0), prompt.getShape().get(1)));
    }

    @Override
    public NDArray logits(ClipModel clip, NDManager scope, NDArray images, ClassTexts texts) {
        return clip.logits(imageFeatures(clip, images), textFeatures(clip, scope, texts));
    }

    @Override
    public Scorer freeze(ClipModel clip, ClassTexts texts, NDManager m) {
        return Scorer.fixedText(clip, textFeatures(clip, m, texts), images -> imageFeatures(clip, images));
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
