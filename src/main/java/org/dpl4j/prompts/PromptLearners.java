package org.dpl4j.prompts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.io.Safetensors;

/** Creates and loads the {@link PromptLearner} of a method: CoCoOp and MaPLe by name, every other layout as {@link DeepPrompts}. */
public final class PromptLearners {
    private PromptLearners() {}

    /** Whether {@code method} has a learner of its own rather than a key/value layout. */
    public static boolean ownLearner(String method) {
        String m = method.toLowerCase(java.util.Locale.ROOT);
        return CoCoOp.METHOD.equals(m) || MaPLe.METHOD.equals(m);
    }

    /**
     * Fresh learnable tensors for {@code method} on {@code clip}'s device; {@code config} is its
     * layout ({@link Presets}): for MaPLe, its context length and per-block lengths
     * ({@link MaPLe#lengthsOf}).
     */
    public static PromptLearner init(String method, PromptConfig config, ClipModel clip, float initStd, long seed) {
        config.checkFits(clip.config());
        String m = method.toLowerCase(java.util.Locale.ROOT);
        if (CoCoOp.METHOD.equals(m)) {
            return CoCoOp.init(clip, seed);
        }
        if (MaPLe.METHOD.equals(m)) {
            return MaPLe.init(clip, MaPLe.lengthsOf(config, clip.config()), initStd, seed);
        }
        return DeepPrompts.init(config, clip, initStd, seed);
    }

    /** A saved prompts file, of whichever method its metadata names (none: {@link DeepPrompts}), onto {@code clip}'s device. */
    public static PromptLearner load(Path file, ClipModel clip) throws IOException {
        String method = Safetensors.metadata(file).getOrDefault(LearnedTensors.LEARNER, "");
        try (Scope s = Scope.open()) {
            Map<String, Tensor> tensors = Safetensors.read(file);
            if (CoCoOp.METHOD.equals(method)) {
                return CoCoOp.of(tensors, clip);
            }
            if (MaPLe.METHOD.equals(method)) {
                return MaPLe.of(tensors, clip);
            }
            return DeepPrompts.of(tensors, clip);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
