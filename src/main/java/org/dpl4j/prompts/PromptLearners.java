package org.dpl4j.prompts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.Safetensors;

/** Creates and loads the {@link PromptLearner} of a method: CoCoOp and MaPLe by name, every other layout as {@link DeepPrompts}. */
public final class PromptLearners {
    private PromptLearners() {}

    /** Whether {@code method} has a learner of its own rather than a key/value layout. */
    public static boolean ownLearner(String method) {
        String m = method.toLowerCase(java.util.Locale.ROOT);
        return CoCoOp.METHOD.equals(m) || MaPLe.METHOD.equals(m);
    }

    /**
     * Fresh learnable tensors for {@code method}; {@code config} is its layout ({@link Presets}):
     * for MaPLe, n = its context length and J = the number of prompted vision blocks.
     */
    public static PromptLearner init(String method, PromptConfig config, ClipModel clip, float initStd, long seed,
            NDManager parent) {
        config.checkFits(clip.config());
        String m = method.toLowerCase(java.util.Locale.ROOT);
        if (CoCoOp.METHOD.equals(m)) {
            return CoCoOp.init(clip, seed, parent);
        }
        if (MaPLe.METHOD.equals(m)) {
            int depth = (int) config.image().stream().filter(n -> n > 0).count();
            return MaPLe.init(clip, config.context(), depth, initStd, seed, parent);
        }
        return DeepPrompts.init(config, clip.config(), parent, initStd, seed);
    }

    /** A saved prompts file, of whichever method its metadata names (none: {@link DeepPrompts}). */
    public static PromptLearner load(Path file, ClipModel clip, NDManager parent) throws IOException {
        String method = Safetensors.metadata(file).getOrDefault(LearnedTensors.LEARNER, "");
        try (NDManager tmp = parent.newSubManager()) {
            Map<String, NDArray> tensors = Safetensors.read(file, tmp);
            if (CoCoOp.METHOD.equals(method)) {
                return CoCoOp.of(tensors, clip.config(), parent);
            }
            if (MaPLe.METHOD.equals(method)) {
                return MaPLe.of(tensors, clip.config(), parent);
            }
            return DeepPrompts.of(tensors, clip.config(), parent);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
