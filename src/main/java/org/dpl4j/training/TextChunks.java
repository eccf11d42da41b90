package org.dpl4j.training;

import java.util.OptionalLong;
import org.bytedeco.pytorch.Device;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.tensor.DeviceMemory;

/**
 * How many classes one backward pass through the text encoder may hold ({@link TextPass},
 * docs/design.md §6.11). A step keeps, for every class, every text block's activations up to the
 * last EOT: at ViT-B/16 under the fused supernet ≈9 MB a class, 9 GB at ImageNet's 1,000 classes.
 * Chunks keep that within a budget: fixed on the CPU, so that the chunking (and with it the order in
 * which gradients are summed) does not depend on what else runs on the machine; on CUDA half of what
 * the device can still give when the stage starts. A class count that fits is not chunked at all:
 * chunks cost one more forward pass of the text encoder.
 */
public final class TextChunks {
    /**
     * Activation memory one text chunk may hold on the CPU (and on a GPU whose free memory cannot be read):
     * with the model, an image chunk ({@code AlphaChunks}) and the process's own, a 1,000-class search
     * step at ViT-B/16 stays within 8 GB.
     */
    public static final long CPU_BUDGET_BYTES = 3_000_000_000L;
    /** The share of a GPU's available memory one text chunk may hold; the rest is the image side's. */
    static final double CUDA_SHARE = 0.5;
    /**
     * fp32 values a text step keeps for backward per token and channel of one block: measured (growth of
     * the resident set while 200 classes' features are held with their graph) with the fused supernet at
     * four candidates, the most of the default paths: 46.7; train-stage prompts of 2 tokens: 27.4.
     * ViT-B/16 text tower, 8 tokens.
     */
    static final int SAVED_VALUES_PER_TOKEN_CHANNEL = 48;

    private TextChunks() {}

    /** Estimated bytes a step keeps for backward per class whose texts run {@code tokens} positions. */
    public static long bytesPerClass(ClipConfig c, int tokens) {
        return (long) c.textLayers() * tokens * c.textWidth() * SAVED_VALUES_PER_TOKEN_CHANNEL * Float.BYTES;
    }

    /** The budget of one text chunk on {@code device}. */
    public static long budgetBytes(Device device) {
        OptionalLong available = DeviceMemory.available(device);
        return available.isPresent() ? (long) (available.getAsLong() * CUDA_SHARE) : CPU_BUDGET_BYTES;
    }

    /** Classes per chunk for {@code texts} on {@code clip}'s device: at least 1, at most all of them. */
    public static int size(ClipModel clip, ClassTexts texts) {
        return size(clip.config(), texts, budgetBytes(clip.device()));
    }

    /** Classes per chunk for {@code texts} within {@code budget} bytes. */
    public static int size(ClipConfig c, ClassTexts texts, long budget) {
        int tokens = 1;
        for (int e : texts.eot()) {
            tokens = Math.max(tokens, e + 1);
        }
        long fit = Math.max(1, budget / bytesPerClass(c, tokens));
        return (int) Math.min(Math.max(1, texts.size()), fit);
    }
}
