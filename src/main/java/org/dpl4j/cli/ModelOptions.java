package org.dpl4j.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.run.Json;
import picocli.CommandLine.Option;

/** {@code --model} and its optional config override. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "CLIP weights: OpenAI .pt, OpenAI-named .safetensors (config.json beside it optional), or a Hugging Face CLIPModel folder")
    Path model;

    @Option(names = "--model-config", paramLabel = "FILE", description = "ClipConfig JSON overriding the dims found in the weights")
    Path modelConfig;

    ClipModel load(NDManager m) throws IOException {
        ClipConfig cfg = null;
        if (modelConfig != null) {
            try {
                cfg = Json.PRETTY.readValue(modelConfig.toFile(), ClipConfig.class);
            } catch (IOException e) {
                throw new IOException(modelConfig + ": not a CLIP config: " + e.getMessage(), e);
            }
        }
        return ClipModel.load(model, cfg, m);
    }
}
