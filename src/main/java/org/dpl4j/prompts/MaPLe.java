package org.dpl4j.prompts;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;

/**
 * MaPLe (Khattak et al., CVPR 2023), as muzairkhattak/multimodal-prompt-learning runs it: n text
 * tokens {@code ctx} replace the first n words of "a photo of a {c}." at the input, and the vision
 * tokens of the input are {@code proj(ctx)}, appended after the patches before {@code ln_pre}. In
 * blocks 1..J−1 the text prompts {@code compound_prompts_text.{i}} replace text positions 1..n and
 * their couplings {@code compound_prompt_projections.{i}(·)} (Linear, text width → vision width)
 * replace the last n vision tokens; deeper blocks carry the tokens on. Its learner is the shared
 * token-replacement mechanism ({@link StreamPrompts}, coupled); this class holds what is MaPLe's own:
 * its defaults, names and layouts.
 */
public final class MaPLe {
    public static final String METHOD = "maple";
    /** Official defaults: N_CTX 2, PROMPT_DEPTH 9 (capped at the model's depth). */
    public static final int N_CTX = 2;
    public static final int DEPTH = 9;

    private MaPLe() {}

    /** Prompt depth J for a model: the requested one capped at both towers' depth. */
    public static int depthFor(ClipConfig c, int requested) {
        return Math.max(1, Math.min(requested, Math.min(c.textLayers(), c.visionLayers())));
    }

    /**
     * The official initialisation: ctx from the first n words of "a photo of a", deep text prompts
     * N(0, std²), Linear couplings as PyTorch's default; the J−1 deep couplings start equal
     * (the official code deep-copies one).
     */
    public static StreamPrompts init(ClipModel clip, int nCtx, int requestedDepth, float std, long seed) {
        int[] lengths = new int[depthFor(clip.config(), requestedDepth)];
        java.util.Arrays.fill(lengths, nCtx);
        return init(clip, lengths, std, seed);
    }

    /**
     * MaPLe with a prompt length per block (docs/design.md §5, "Searching MaPLe"): {@code lengths[0]} is the
     * input context n (1..4 words of "a photo of a" replaced; vision proj(ctx)); block l ≥ 1 with
     * {@code lengths[l]} > 0 replaces the stream's prompt tokens by its own text prompt of that length and
     * their coupling, 0 carries the previous block's tokens on (MaPLe beyond its depth J).
     */
    public static StreamPrompts init(ClipModel clip, int[] lengths, float std, long seed) {
        return StreamPrompts.init(METHOD, layout(lengths), clip, std, seed);
    }

    private static StreamLayout layout(int[] lengths) {
        List<Integer> l = java.util.Arrays.stream(lengths).boxed().toList();
        return new StreamLayout(l, l, true);
    }

    /** The official name of block l's deep text prompt (l ≥ 1). */
    public static String textName(int layer) {
        return StreamPrompts.textName(layer, true);
    }

    /** The official name of block l's coupling Linear (l ≥ 1), without ".weight"/".bias". */
    public static String couplingName(int layer) {
        return StreamPrompts.couplingName(layer);
    }

    /**
     * The per-block lengths of a MaPLe {@link PromptConfig} (the {@code maple} preset, or a searched layout):
     * {@code context} is block 0's; block l ≥ 1 reads the image list, which must equal the text list there
     * (coupled), and blocks 0's text entry must be 0 (its text prompt is the context). Trailing zeros are
     * dropped.
     */
    public static int[] lengthsOf(PromptConfig config, ClipConfig c) {
        if (config.image().get(0) != config.context()) {
            throw new IllegalArgumentException("maple layout: block 1 carries the context (" + config.context()
                    + " tokens): its image length must be the context, got " + config.image().get(0));
        }
        StreamLayout layout = StreamLayout.of(config, true);
        if (config.context() < 1) {
            throw new IllegalArgumentException("maple layout: n_ctx must be 1.." + CoCoOp.CTX_INIT.split(" ").length
                    + ", got " + config.context());
        }
        layout.checkFits(c);
        if (layout.text().size() > Math.min(c.textLayers(), c.visionLayers())) {
            throw new IllegalArgumentException("maple layout: block " + layout.text().size() + " has a prompt, but only the "
                    + "first " + Math.min(c.textLayers(), c.visionLayers()) + " blocks exist in both towers");
        }
        return layout.text().stream().mapToInt(Integer::intValue).toArray();
    }

    /** The {@link PromptConfig} of per-block lengths (the inverse of {@link #lengthsOf}). */
    public static PromptConfig config(int[] lengths, ClipConfig c) {
        return layout(lengths).config(c);
    }

    /**
     * Tensors by their official names (golden/README.md), copied to {@code clip}'s device; block l ≥ 1 is
     * prompted when {@code compound_prompts_text.(l−1)} is present, with that tensor's length.
     */
    public static StreamPrompts of(Map<String, Tensor> source, ClipModel clip) {
        return StreamPrompts.of(METHOD, true, source, clip);
    }
}
