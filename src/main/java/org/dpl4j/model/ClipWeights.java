package org.dpl4j.model;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.dpl4j.model.io.ModelFormat;

/**
 * A validated fp32 CLIP state dict under OpenAI names, with its dims and where it came from.
 * The arrays belong to the manager they were loaded into.
 */
public record ClipWeights(ClipConfig config, Map<String, NDArray> tensors, ModelFormat format, Path source) {
    public ClipWeights {
        tensors = Collections.unmodifiableMap(tensors);
    }

    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no tensor " + name + " in " + source);
        }
        return a;
    }
}
