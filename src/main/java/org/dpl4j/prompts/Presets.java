package org.dpl4j.prompts;

import java.util.List;
import java.util.Locale;
import org.dpl4j.model.ClipConfig;

/**
 * Prompt layouts a user can name:
 * <ul>
 *   <li>{@code zeroshot}, {@code zeroshot-ensemble}: no prompts; zero-shot CLIP ({@link ZeroShotBaseline}),
 *       evaluated with CLIP's own text features, not trained;</li>
 *   <li>{@code coop}: 16 learned input context vectors in place of the template words, text only (CoOp);</li>
 *   <li>{@code cocoop}: CoCoOp's 4 context vectors plus its meta-net ({@link CoCoOp}; the layout records the context);</li>
 *   <li>{@code maple}, {@code ivlp}, {@code vpt-deep} ({@code vpt}), {@code promptsrc}: the published methods whose
 *       prompts replace tokens of the residual stream ({@link StreamMethod}, {@link StreamPrompts}), in their
 *       official layouts (the layout records the input context and per-block lengths, {@link StreamLayout#config});</li>
 *   <li>in DPL's key/value mechanism, differing from a searched configuration only in the layout:
 *       {@code uniform-N} / {@code uniform-N-D} (N tokens in blocks 1..D of both branches, D = all by default),
 *       {@code kv-ivlp} (IVLP's layout, 2 + 2 tokens in every block: {@code uniform-2}) and {@code kv-vpt-deep}
 *       (deep VPT's layout, 8 image tokens in every block, no text prompt). Before format 3 of run.json the
 *       names {@code ivlp} and {@code vpt-deep} meant these two.</li>
 * </ul>
 */
public final class Presets {
    private Presets() {}

    public static List<String> names() {
        return List.of("zeroshot", "zeroshot-ensemble", "coop", "cocoop", "maple", "ivlp", "vpt-deep", "promptsrc", "kv-ivlp",
                "kv-vpt-deep", "uniform-N", "uniform-N-D");
    }

    public static PromptConfig resolve(String name, ClipConfig c) {
        String n = name.toLowerCase(Locale.ROOT);
        int t = c.textLayers();
        int v = c.visionLayers();
        if (ZeroShotBaseline.named(n).isPresent()) {
            return PromptConfig.none(t, v);
        }
        java.util.Optional<StreamMethod> stream = StreamMethod.named(n);
        if (stream.isPresent()) {
            return stream.get().published(c).config(c);
        }
        switch (n) {
            case "coop":
                return new PromptConfig(PromptConfig.none(t, v).text(), PromptConfig.none(t, v).image(), 16);
            case CoCoOp.METHOD:
                return new PromptConfig(PromptConfig.none(t, v).text(), PromptConfig.none(t, v).image(), CoCoOp.CTX_INIT.split(" ").length);
            case "kv-vpt-deep":
                return new PromptConfig(PromptConfig.none(t, v).text(), PromptConfig.uniform(0, 8, v, t, v).image());
            case "kv-ivlp":
                return PromptConfig.uniform(2, 2, Math.max(t, v), t, v);
            default:
                break;
        }
        if (n.startsWith("uniform")) {
            String[] parts = n.split("-");
            try {
                int tokens = parts.length > 1 ? Integer.parseInt(parts[1]) : 2;
                int depth = parts.length > 2 ? Integer.parseInt(parts[2]) : Math.max(t, v);
                if (tokens < 0 || depth < 0 || parts.length > 3) {
                    throw new NumberFormatException();
                }
                return PromptConfig.uniform(tokens, tokens, depth, t, v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad preset '" + name + "': use uniform-N or uniform-N-D (N tokens, D blocks)");
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "'; choose one of " + String.join(", ", names()));
    }
}
