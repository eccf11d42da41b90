package org.dpl4j.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A validated CLIP state dict under OpenAI names, with its dims and where it came from. The
 * tensors are owned by the {@link ClipModel} made from them.
 */
public record ClipWeights(ClipConfig config, Map<String, Tensor> tensors, ModelFormat format, Path source) {
    public ClipWeights {
        tensors = Collections.unmodifiableMap(tensors);
    }

    public Tensor get(String name) {
        Tensor a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no tensor " + name + " in " + source);
        }
        return a;
    }
}
