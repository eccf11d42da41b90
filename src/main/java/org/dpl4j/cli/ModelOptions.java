package org.dpl4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.run.Json;
import org.dpl4j.tensor.Placement;
import picocli.CommandLine.Option;

/**
 * Which CLIP to load: the weights and an optional config override. {@link #check()} catches a wrong
 * path or an unknown format before the engine starts and before any long work, so a typo costs
 * the user a second, not a data scan.
 */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "CLIP weights: OpenAI .pt, OpenAI-named .safetensors, or a Hugging Face CLIPModel folder")
    Path model;

    @Option(names = "--model-config", paramLabel = "FILE",
            description = "ClipConfig JSON (embed_dim, vision_heads, ...) overriding the dimensions found with"
                    + " the weights; needed for .pt files whose head count is not width/64")
    Path config;

    /** Fails with a one-line message naming the path when the model or config cannot be used. */
    void check() throws IOException {
        if (!Files.exists(model)) {
            throw new IOException("model not found: " + model);
        }
        ClipLoader.detect(model);
        if (config != null) {
            readConfig();
        }
    }

    /** Loads the model onto {@code placement} (from {@link EngineOptions#placement()}). */
    ClipModel load(Placement placement) throws IOException {
        return ClipLoader.load(model, override(), placement);
    }

    /** The --model-config override, or null. */
    ClipConfig override() throws IOException {
        return config == null ? null : readConfig();
    }

    private ClipConfig readConfig() throws IOException {
        if (!Files.isRegularFile(config)) {
            throw new IOException("model config not found: " + config);
        }
        try {
            return Json.LINE.readValue(config.toFile(), ClipConfig.class);
        } catch (JsonProcessingException e) {
            throw new IOException(config + ": not a valid CLIP config: " + e.getOriginalMessage(), e);
        }
    }
}
