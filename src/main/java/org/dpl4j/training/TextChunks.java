package org.dpl4j.training;

import java.util.OptionalLong;
import org.bytedeco.pytorch.Device;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.tensor.DeviceMemory;

/**
 * How the classes go through the text encoder in a training or search step ({@link TextPass},
 * docs/design.md §6.11). A step keeps, for every class, every text block's activations up to the last
 * EOT: at ViT-B/16 under the fused supernet ≈9 MB a class, 9 GB at ImageNet's 1,000 classes. The
 * graphs a step keeps stay within a budget: fixed on the CPU, so that the chunking (and with it the
 * order in which gradients are summed) does not depend on what else runs on the machine; on CUDA half
 * of what the device can still give when the stage starts. A class count that fits is not chunked at
 * all: chunks cost one more forward pass of the classes whose graph is not kept.
 *
 * <p>On the CPU one pass is also limited to {@link #CPU_PASS_BYTES}, smaller than the budget, and the
 * budget is spent on keeping several such chunks: products and element-wise operations on smaller
 * tensors run faster there (measured: a 1,000-class text step took 1.85× less CPU time in chunks of
 * ≈110 classes than in one pass, recomputation included), since glibc serves tensors of more than
 * 32 MB from fresh pages every time.
 */
public final class TextChunks {
    /**
     * Activation memory the kept text graphs may hold on the CPU (and on a GPU whose free memory cannot
     * be read): with the model, an image chunk ({@code AlphaChunks}) and the process's own, a 1,000-class
     * search step at ViT-B/16 stays within 8 GB.
     */
    public static final long CPU_BUDGET_BYTES = 3_000_000_000L;
    /** Activation memory of one pass on the CPU: tensors of ≈7 MB at ViT-B/16, 8 tokens. */
    public static final long CPU_PASS_BYTES = 1_000_000_000L;
    /** The share of a GPU's available memory the text graphs may hold; the rest is the image side's. */
    static final double CUDA_SHARE = 0.5;
    /**
     * fp32 values a text step keeps for backward per token and channel of one block: measured (growth of
     * the resident set while 200 classes' features are held with their graph) with the fused supernet at
     * four candidates, the most of the default paths: 46.7; train-stage prompts of 2 tokens: 27.4.
     * ViT-B/16 text tower, 8 tokens.
     */
    static final int SAVED_VALUES_PER_TOKEN_CHANNEL = 48;

    private TextChunks() {}

    /** Classes per pass and passes whose graph the first pass keeps. */
    public record Plan(int chunk, int keep) {}

    /** Estimated bytes a step keeps for backward per class whose texts run {@code tokens} positions. */
    public static long bytesPerClass(ClipConfig c, int tokens) {
        return (long) c.textLayers() * tokens * c.textWidth() * SAVED_VALUES_PER_TOKEN_CHANNEL * Float.BYTES;
    }

    /** The plan for {@code texts} on {@code clip}'s device. */
    public static Plan plan(ClipModel clip, ClassTexts texts) {
        OptionalLong available = DeviceMemory.available(clip.device());
        if (available.isPresent()) {
            long budget = (long) (available.getAsLong() * CUDA_SHARE);
            return plan(clip.config(), texts, budget, budget);
        }
        return plan(clip.config(), texts, CPU_BUDGET_BYTES, CPU_PASS_BYTES);
    }

    /**
     * The plan within {@code budget} bytes of kept graphs and {@code pass} bytes a pass: all classes in one
     * pass when they fit the budget; else as many classes a pass as fit {@code pass} (at least 1), and as
     * many passes kept as fit the budget (at least 1).
     */
    public static Plan plan(ClipConfig c, ClassTexts texts, long budget, long pass) {
        int tokens = 1;
        for (int e : texts.eot()) {
            tokens = Math.max(tokens, e + 1);
        }
        long perClass = bytesPerClass(c, tokens);
        int classes = Math.max(1, texts.size());
        if (budget / perClass >= classes) {
            return new Plan(classes, 1);
        }
        int chunk = (int) Math.max(1, Math.min(Math.min(budget, pass) / perClass, classes));
        int keep = (int) Math.max(1, budget / (perClass * chunk));
        return new Plan(chunk, keep);
    }
}
