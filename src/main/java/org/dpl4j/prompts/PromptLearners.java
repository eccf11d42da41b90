package org.dpl4j.prompts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.io.Safetensors;

/**
 * Creates and loads the {@link PromptLearner} of a method: CoCoOp by name, the token-replacement methods
 * ({@link StreamMethod}) as {@link StreamPrompts}, every other layout as DPL's key/value {@link DeepPrompts}.
 */
public final class PromptLearners {
    private PromptLearners() {}

    /** Whether {@code method}'s prompts replace tokens of the residual stream ({@link StreamMethod}). */
    public static boolean inStream(String method) {
        return StreamMethod.named(method).isPresent();
    }

    /** Whether {@code method} has a learner of its own rather than a key/value layout. */
    public static boolean ownLearner(String method) {
        return CoCoOp.METHOD.equals(method.toLowerCase(java.util.Locale.ROOT)) || StreamMethod.named(method).isPresent();
    }

    /**
     * Fresh learnable tensors for {@code method} on {@code clip}'s device; {@code config} is its
     * layout ({@link Presets}, or a searched one): for the token-replacement methods, read as a
     * {@link StreamLayout}.
     */
    public static PromptLearner init(String method, PromptConfig config, ClipModel clip, float initStd, long seed) {
        config.checkFits(clip.config());
        String m = method.toLowerCase(java.util.Locale.ROOT);
        if (CoCoOp.METHOD.equals(m)) {
            return CoCoOp.init(clip, seed);
        }
        java.util.Optional<StreamMethod> stream = StreamMethod.named(m);
        if (stream.isPresent()) {
            if (stream.get() == StreamMethod.MAPLE) {
                MaPLe.lengthsOf(config, clip.config()); // MaPLe's own checks and messages
            }
            return StreamPrompts.init(stream.get().id(), StreamLayout.of(config, stream.get().coupled()), clip, initStd, seed);
        }
        return DeepPrompts.init(config, clip, initStd, seed);
    }

    /** A saved prompts file, of whichever method its metadata names (none: {@link DeepPrompts}), onto {@code clip}'s device. */
    public static PromptLearner load(Path file, ClipModel clip) throws IOException {
        String method = Safetensors.metadata(file).getOrDefault(ParameterStore.LEARNER, "");
        try (Scope s = Scope.open()) {
            Map<String, Tensor> tensors = Safetensors.read(file);
            if (CoCoOp.METHOD.equals(method)) {
                return CoCoOp.of(tensors, clip);
            }
            java.util.Optional<StreamMethod> stream = method.isEmpty() ? java.util.Optional.empty() : StreamMethod.named(method);
            if (stream.isPresent()) {
                return StreamPrompts.of(stream.get().id(), stream.get().coupled(), tensors, clip);
            }
            if (!method.isEmpty()) {
                throw new IllegalArgumentException("prompts of method '" + method + "', which this dpl4j does not know");
            }
            return DeepPrompts.of(tensors, clip);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
