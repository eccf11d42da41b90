package org.dpl4j.api;

import java.util.List;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.prompts.PromptConfig;

/**
 * What a bundle says about itself (the {@value #KEY} metadata of the bundle file): where it came
 * from, the classes, the prompt layout, how images must be preprocessed, and which CLIP it needs.
 *
 * @param sourceRun the train run it was exported from (or a description, for synthetic bundles)
 * @param layout the run's prompt layout; the text prompts are folded into the class features, so
 *     the bundle holds only the image prompts as tensors
 * @param logitScale CLIP's {@code exp(logit_scale)}, the temperature of the class scores
 * @param precision the precision of the CLIP that computed the class features ({@code fp32}, {@code bf16});
 *     null in a version-1 bundle, which did not record it
 */
public record BundleInfo(
        String format,
        int version,
        String sourceRun,
        String dataset,
        String method,
        List<String> classNames,
        PromptConfig layout,
        float logitScale,
        Preprocessing preprocessing,
        Model model,
        String precision,
        String created,
        String dpl4jVersion) {
    /** The safetensors metadata key holding this record as JSON. */
    public static final String KEY = "dpl4j.bundle";
    public static final String FORMAT = "dpl4j-bundle";
    /**
     * Bundles of DPL's key/value layouts: the image prompts {@code prompt.image.<layer>}. Version 2 records
     * {@link #precision()}; version 1, which did not, is still read (its precision: not recorded).
     */
    public static final int VERSION = 2;
    /** Key/value bundles written before the precision was recorded. */
    public static final int VERSION_WITHOUT_PRECISION = 1;
    /**
     * Bundles of the token-replacement methods (maple, ivlp, vpt-deep, promptsrc): every prompt tensor of the
     * method under {@code prompts.}, rebuilt by its {@code method}. A reader of version 1 only would rebuild
     * nothing of them, so they carry a version of their own, which such a reader refuses. They record the
     * precision too (those written before it was recorded read with it unrecorded).
     */
    public static final int VERSION_STREAM = 3;

    public BundleInfo {
        classNames = List.copyOf(classNames);
    }

    /**
     * The test-time image pipeline the prompts were trained with: decode ({@code decodeOrder}), bicubic
     * resize of the shorter side to {@code resolution}, centre crop, {@code (v/255 - mean) / std}.
     */
    public record Preprocessing(int resolution, String decodeOrder, String resize, String crop, float[] mean, float[] std) {}

    /**
     * The CLIP the bundle needs: the file it was exported with and its SHA-256, and whether its weights
     * are inside the bundle ({@code --with-model}); then {@code embeddedSha256} is the SHA-256 of the
     * embedded tensors (names and bytes in name order), checked at load.
     */
    public record Model(String path, String sha256, ClipConfig config, boolean embedded, String embeddedSha256) {}
}
