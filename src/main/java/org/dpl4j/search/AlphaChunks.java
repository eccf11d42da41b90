package org.dpl4j.search;

import org.dpl4j.model.ClipConfig;

/**
 * How many val images the alpha step back-propagates at once ({@code StepRunner.chunkedStep}).
 * The alpha gradient reaches every block of the image encoder, so the step keeps every block's
 * activations of all its images; at ViT-B/16 that is ≈0.35 GB an image, 5.5 GB for a val batch
 * of 16. Chunks keep that under a fixed budget; a model small enough to fit the whole batch in
 * it is not chunked at all, since every chunk costs a backward pass's fixed overhead.
 */
public final class AlphaChunks {
    /** Activation memory one chunk may hold. */
    public static final long BUDGET_BYTES = 1_500_000_000L;
    /**
     * fp32 values the fused supernet keeps for backward per token and channel of one block
     * (measured at ViT-B/16: ≈5.5 GB for 16 images × 12 blocks × 197 tokens × 768 channels).
     */
    static final int SAVED_VALUES_PER_TOKEN_CHANNEL = 48;

    private AlphaChunks() {}

    /** Estimated bytes the alpha step keeps for backward per image. */
    public static long bytesPerImage(ClipConfig c) {
        return (long) c.visionLayers() * c.imageTokens() * c.visionWidth() * SAVED_VALUES_PER_TOKEN_CHANNEL * Float.BYTES;
    }

    /** The chunk size for a val batch of {@code valBatch} images: at least 1, at most the batch. */
    public static int size(ClipConfig c, int valBatch) {
        long fit = Math.max(1, BUDGET_BYTES / Math.max(1, bytesPerImage(c)));
        return (int) Math.min(valBatch, fit);
    }
}
