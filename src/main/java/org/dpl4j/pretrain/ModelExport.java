package org.dpl4j.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.WeightSchema;
import org.dpl4j.run.Json;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.util.AtomicFiles;

/**
 * Writes a CLIP as the project's own OpenAI-named format: {@code model.safetensors} (fp16, the
 * precision OpenAI releases CLIP in, half the size of fp32) and {@code config.json} (the
 * {@link ClipConfig} under OpenAI's names), which {@code ClipLoader.load(folder, null)}
 * reads back. The state dict is checked against {@link WeightSchema} first, so a bad export fails
 * here, naming the tensor, rather than when someone loads it.
 */
public final class ModelExport {
    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";

    private ModelExport() {}

    /** Writes {@code stateDict} (fp32, OpenAI names) into {@code folder}; returns the weights file. */
    public static Path write(Path folder, ClipConfig config, Map<String, Tensor> stateDict, Map<String, String> metadata)
            throws IOException {
        WeightSchema.validate(stateDict, config, "export to " + folder);
        Files.createDirectories(folder);
        Path weights = folder.resolve(WEIGHTS);
        try (Scope s = Scope.open()) {
            Map<String, Tensor> half = new LinkedHashMap<>();
            for (String name : WeightSchema.expected(config).keySet()) {
                half.put(name, Tensors.fp16(stateDict.get(name).detach()));
            }
            Safetensors.write(weights, half, metadata);
        }
        AtomicFiles.writeString(folder.resolve(CONFIG), Json.PRETTY.writeValueAsString(config) + "\n");
        return weights;
    }
}
