package org.dpl4j.prompts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.dpl4j.model.ClipConfig;

/**
 * Per-block prompt lengths of a method whose prompt tokens live in the residual stream and are replaced
 * block by block ({@link StreamPrompts}: MaPLe, IVLP, deep VPT, PromptSRC).
 *
 * <ul>
 *   <li>{@code text[0]}: the input context, n vectors replacing the first n words of "a photo of a" (0: the
 *       text input is CLIP's own); {@code text[l ≥ 1]}: block l's own tokens replacing positions 1..n, 0
 *       carries the previous block's on.</li>
 *   <li>{@code vision[0]}: tokens appended after the patches before {@code ln_pre}; {@code vision[l ≥ 1]}:
 *       block l's own tokens replacing the last ones, 0 carries on.</li>
 *   <li>{@code coupled} (MaPLe): every vision prompt is a Linear of the same block's text prompt, so the two
 *       length lists are equal.</li>
 * </ul>
 * Trailing zeros past block 0 are dropped: blocks past the lists carry on.
 */
public record StreamLayout(List<Integer> text, List<Integer> vision, boolean coupled) {
    public StreamLayout {
        text = trim(text, "text");
        vision = trim(vision, "vision");
        if (coupled && !text.equals(vision)) {
            throw new IllegalArgumentException("coupled prompts: vision prompts are Linear maps of the text prompts, so the "
                    + "lengths must be equal per block, got text " + text + " and vision " + vision);
        }
    }

    /** {@code n} text and {@code m} vision tokens in blocks 0..depth−1 of each tower (the published layouts). */
    public static StreamLayout uniform(int n, int textDepth, int m, int visionDepth, boolean coupled) {
        return new StreamLayout(Collections.nCopies(n == 0 ? 1 : textDepth, n), Collections.nCopies(m == 0 ? 1 : visionDepth, m),
                coupled);
    }

    private static List<Integer> trim(List<Integer> lengths, String tower) {
        if (lengths.isEmpty()) {
            throw new IllegalArgumentException(tower + " prompt lengths: need at least block 1's");
        }
        int last = 0;
        for (int l = 0; l < lengths.size(); l++) {
            Integer n = lengths.get(l);
            if (n == null || n < 0) {
                throw new IllegalArgumentException(tower + " prompt lengths must be >= 0, got " + lengths);
            }
            if (n > 0) {
                last = l;
            }
        }
        return List.copyOf(lengths.subList(0, last + 1));
    }

    public boolean textPrompted() {
        return text.stream().anyMatch(n -> n > 0);
    }

    /** Fails naming the tower unless the lists fit the model's blocks and the context its words. */
    public void checkFits(ClipConfig c) {
        if (text.size() > c.textLayers() || vision.size() > c.visionLayers()) {
            throw new IllegalArgumentException("prompt layout of " + text.size() + " text / " + vision.size()
                    + " vision blocks, the model has " + c.textLayers() + " / " + c.visionLayers());
        }
        int words = CoCoOp.CTX_INIT.split(" ").length;
        if (text.get(0) > words) {
            throw new IllegalArgumentException("the input context replaces words of '" + CoCoOp.CTX_INIT + "': at most "
                    + words + " tokens, got " + text.get(0));
        }
        if (text.get(0) == 0 && text.size() > 1) {
            throw new IllegalArgumentException("deep text prompts replace the input context's positions, so block 1 needs "
                    + "a context; got text lengths " + text);
        }
    }

    /**
     * The {@link PromptConfig} that records this layout: {@code context} is the input context, text block 1's
     * entry 0 (the context is its prompt), the image list as {@code vision}, zero-padded to the model's depths.
     */
    public PromptConfig config(ClipConfig c) {
        List<Integer> t = new ArrayList<>(Collections.nCopies(c.textLayers(), 0));
        List<Integer> v = new ArrayList<>(Collections.nCopies(c.visionLayers(), 0));
        for (int l = 1; l < text.size(); l++) {
            t.set(l, text.get(l));
        }
        for (int l = 0; l < vision.size(); l++) {
            v.set(l, vision.get(l));
        }
        return new PromptConfig(t, v, text.get(0));
    }

    /** The inverse of {@link #config}: fails naming the block when {@code config} is not such a layout. */
    public static StreamLayout of(PromptConfig config, boolean coupled) {
        if (config.text().get(0) != 0) {
            throw new IllegalArgumentException("prompts in the stream: block 1's text prompt is the input context ("
                    + config.context() + " tokens), so its text length must be 0, got " + config.text().get(0));
        }
        List<Integer> t = new ArrayList<>(config.text());
        t.set(0, config.context());
        return new StreamLayout(t, config.image(), coupled);
    }
}
