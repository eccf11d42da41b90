package org.dpl4j.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.io.Safetensors;
import org.dpl4j.model.io.WeightSchema;
import org.dpl4j.run.Json;
import org.dpl4j.util.AtomicFiles;

/**
 * Writes a CLIP as the project's own OpenAI-named format: {@code model.safetensors} (fp16, the
 * precision OpenAI releases CLIP in, half the size of fp32) and {@code config.json} (the
 * {@link ClipConfig} under OpenAI's names), which {@code ClipModel.load(folder, null, manager)}
 * reads back. The state dict is checked against {@link WeightSchema} first, so a bad export fails
 * here, naming the tensor, rather than when someone loads it.
 */
public final class ModelExport {
    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";

    private ModelExport() {}

    /** Writes {@code stateDict} (fp32, OpenAI names) into {@code folder}; returns the weights file. */
    public static Path write(Path folder, ClipConfig config, Map<String, NDArray> stateDict, Map<String, String> metadata)
            throws IOException {
        WeightSchema.validate(stateDict, config, "export to " + folder);
        Files.createDirectories(folder);
        Path weights = folder.resolve(WEIGHTS);
        try (NDManager tmp = stateDict.values().iterator().next().getManager().newSubManager()) {
            Map<String, NDArray> half = new LinkedHashMap<>();
            for (String name : WeightSchema.expected(config).keySet()) {
                NDArray h = stateDict.get(name).toType(DataType.FLOAT16, true);
                h.attach(tmp);
                half.put(name, h);
            }
            Safetensors.write(weights, half, metadata);
        }
        AtomicFiles.writeString(folder.resolve(CONFIG), Json.PRETTY.writeValueAsString(config) + "\n");
        return weights;
    }
}
