package org.dpl4j.prompts;

import java.util.List;
import java.util.Locale;
import org.dpl4j.model.ClipConfig;

/**
 * Hand-designed prompt layouts a user can name, all expressed in DPL's key/value mechanism so
 * that they differ from a searched configuration only in the layout:
 * <ul>
 *   <li>{@code zeroshot}, {@code zeroshot-ensemble}: no prompts; zero-shot CLIP ({@link ZeroShotBaseline}),
 *       evaluated with CLIP's own text features, not trained;</li>
 *   <li>{@code coop}: 16 learned input context vectors in place of the template words, text only (CoOp);</li>
 *   <li>{@code cocoop}: CoCoOp's 4 context vectors plus its meta-net ({@link CoCoOp}; the layout records the context);</li>
 *   <li>{@code maple}: MaPLe's 2 coupled text/vision tokens in blocks 1..9, capped at the model's depth ({@link MaPLe};
 *       the layout records context 2, text tokens in blocks 2..J and image tokens in blocks 1..J);</li>
 *   <li>{@code vpt-deep}: 8 image tokens in every block, none in text (MaPLe repo's deep vision prompting);</li>
 *   <li>{@code ivlp}: 2 text + 2 image tokens in every block (independent vision-language prompts);</li>
 *   <li>{@code uniform-N[-D]}: N tokens in blocks 1..D of both branches (D = all by default).</li>
 * </ul>
 * The VPT-deep and IVLP presets reproduce those methods' layouts, not their token-replacement
 * mechanism (prompts in the residual stream, carried between blocks).
 */
public final class Presets {
    private Presets() {}

    public static List<String> names() {
        return List.of("zeroshot", "zeroshot-ensemble", "coop", "cocoop", "maple", "vpt-deep", "ivlp", "uniform-N", "uniform-N-D");
    }

    public static PromptConfig resolve(String name, ClipConfig c) {
        String n = name.toLowerCase(Locale.ROOT);
        int t = c.textLayers();
        int v = c.visionLayers();
        if (ZeroShotBaseline.named(n).isPresent()) {
            return PromptConfig.none(t, v);
        }
        switch (n) {
            case "coop":
                return new PromptConfig(PromptConfig.none(t, v).text(), PromptConfig.none(t, v).image(), 16);
            case CoCoOp.METHOD:
                return new PromptConfig(PromptConfig.none(t, v).text(), PromptConfig.none(t, v).image(), CoCoOp.CTX_INIT.split(" ").length);
            case MaPLe.METHOD: {
                int depth = MaPLe.depthFor(c, MaPLe.DEPTH);
                List<Integer> text = new java.util.ArrayList<>(PromptConfig.uniform(MaPLe.N_CTX, 0, depth, t, v).text());
                text.set(0, 0); // block 0's text prompt is the input context
                return new PromptConfig(text, PromptConfig.uniform(0, MaPLe.N_CTX, depth, t, v).image(), MaPLe.N_CTX);
            }
            case "vpt-deep", "vpt":
                return new PromptConfig(PromptConfig.none(t, v).text(), PromptConfig.uniform(0, 8, v, t, v).image());
            case "ivlp":
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
