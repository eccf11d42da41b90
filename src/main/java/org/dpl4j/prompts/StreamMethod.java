package org.dpl4j.prompts;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.dpl4j.model.ClipConfig;

/**
 * The published methods built on {@link StreamPrompts}, with their official layouts (configs of
 * muzairkhattak/multimodal-prompt-learning and muzairkhattak/PromptSRC; depths capped at the model's):
 * <ul>
 *   <li>{@code maple}: 2 coupled tokens, depth 9 ({@code vit_b16_c2_ep5_batch4_2ctx});</li>
 *   <li>{@code ivlp}: 2 text + 2 vision tokens, depth 12 ({@code vit_b16_c2_ep5_batch4_2+2ctx});</li>
 *   <li>{@code vpt-deep}: 8 vision tokens, depth 12, text frozen ({@code vit_b16_c2_ep5_batch4_4});</li>
 *   <li>{@code promptsrc}: 4 text + 4 vision tokens, depth 9 ({@code vit_b16_c2_ep50_batch4_4+4ctx_few_shot}),
 *       trained with its self-regulating loss and Gaussian prompt aggregation.</li>
 * </ul>
 */
public enum StreamMethod {
    MAPLE(MaPLe.METHOD, true, 2, 9, 2, 9),
    IVLP("ivlp", false, 2, 12, 2, 12),
    VPT_DEEP("vpt-deep", false, 0, 0, 8, 12),
    PROMPTSRC("promptsrc", false, 4, 9, 4, 9);

    private final String id;
    private final boolean coupled;
    private final int textTokens;
    private final int textDepth;
    private final int visionTokens;
    private final int visionDepth;

    StreamMethod(String id, boolean coupled, int textTokens, int textDepth, int visionTokens, int visionDepth) {
        this.id = id;
        this.coupled = coupled;
        this.textTokens = textTokens;
        this.textDepth = textDepth;
        this.visionTokens = visionTokens;
        this.visionDepth = visionDepth;
    }

    /** The name runs, presets and prompts files use. */
    public String id() {
        return id;
    }

    public boolean coupled() {
        return coupled;
    }

    /** The method named {@code name} (case-insensitive; {@code vpt} is {@code vpt-deep}). */
    public static Optional<StreamMethod> named(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        String id = "vpt".equals(n) ? VPT_DEEP.id : n;
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    /** The published layout on a model: its depths capped at the towers' (both towers' for coupled prompts). */
    public StreamLayout published(ClipConfig c) {
        int t = coupled ? Math.min(c.textLayers(), c.visionLayers()) : c.textLayers();
        int v = coupled ? t : c.visionLayers();
        return StreamLayout.uniform(textTokens, Math.max(1, Math.min(textDepth, t)), visionTokens,
                Math.max(1, Math.min(visionDepth, v)), coupled);
    }

    /** The published layout with both depths set to {@code depth} (capped), as PromptSRC's cross-dataset config sets 3. */
    public StreamLayout published(ClipConfig c, int depth) {
        int t = Math.max(1, Math.min(depth, coupled ? Math.min(c.textLayers(), c.visionLayers()) : c.textLayers()));
        int v = Math.max(1, Math.min(depth, coupled ? t : c.visionLayers()));
        return StreamLayout.uniform(textTokens, t, visionTokens, v, coupled);
    }
}
