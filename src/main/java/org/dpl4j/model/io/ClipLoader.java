package org.dpl4j.model.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NamedTensor;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.named_parameter_iterator;
import org.bytedeco.pytorch.named_parameter_list;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.ModelFormat;
import org.dpl4j.model.WeightFormatException;
import org.dpl4j.model.WeightSchema;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.Torch;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.util.JsonProblem;

/**
 * Loads CLIP weights from any of the three formats (detected from the path), converts them to
 * fp32 OpenAI names, and validates names and shapes against the config. {@link #weights} gives
 * the CPU tensors in the caller's scope; {@link #load} places them in a {@link ClipModel} that owns
 * them.
 */
public final class ClipLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClipLoader() {}

    /** Loads any supported format on the CPU in fp32; {@code config} overrides the dims found in the files (may be null). */
    public static ClipModel load(Path path, ClipConfig config) throws IOException {
        return load(path, config, Placement.CPU_FP32);
    }

    /** Loads any supported format onto {@code placement}'s device, weights in its precision. */
    public static ClipModel load(Path path, ClipConfig config, Placement placement) throws IOException {
        try (Scope s = Scope.open()) {
            return ClipModel.placed(weights(path, config), placement);
        }
    }

    /** The weights of {@code path}; dims come from {@code override} when given, else from the files. */
    public static ClipWeights weights(Path path, ClipConfig override) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("model not found: " + path);
        }
        ModelFormat format = detect(path);
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        String source = path.toString();
        {
            Map<String, Tensor> sd;
            ClipConfig config = override;
            switch (format) {
                case HUGGINGFACE -> {
                    Path weights = Files.isDirectory(path) ? path.resolve("model.safetensors") : path;
                    if (!Files.isRegularFile(weights)) {
                        throw new IOException(path + ": no model.safetensors in this Hugging Face folder"
                                + " (only the safetensors format is supported)");
                    }
                    source = weights.toString();
                    JsonNode cfg = readJson(dir.resolve("config.json"));
                    if (config == null) {
                        config = HuggingFaceNames.config(cfg, dir.resolve("config.json").toString());
                    }
                    sd = HuggingFaceNames.toOpenAi(Safetensors.read(weights), source);
                }
                case OPENAI_SAFETENSORS -> {
                    Path weights = Files.isDirectory(path) ? path.resolve("model.safetensors") : path;
                    source = weights.toString();
                    sd = Safetensors.read(weights);
                    if (HuggingFaceNames.isHuggingFace(sd)) {
                        throw new WeightFormatException(source + ": Hugging Face tensor names; pass the folder "
                                + "that holds its config.json instead");
                    }
                    if (config == null) {
                        config = readOwnConfig(dir.resolve("config.json"));
                    }
                }
                case OPENAI_TORCHSCRIPT -> {
                    sd = readTorchScript(path);
                    if (config == null) {
                        config = readOwnConfig(siblingConfig(path));
                    }
                }
                default -> throw new IllegalStateException();
            }
            if (config == null) {
                config = ConfigInference.infer(sd, source);
            }
            WeightSchema.validate(sd, config, source);
            Map<String, Tensor> fp32 = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : sd.entrySet()) {
                Tensor a = Tensors.fp32(e.getValue());
                if (WeightSchema.expected(config).get(e.getKey()).dimension() == 0) {
                    a = a.reshape();
                }
                fp32.put(e.getKey(), a);
            }
            return new ClipWeights(config, fp32, format, path);
        }
    }

    /** Guesses the format from the path: folder, file extension, and the config beside it. */
    public static ModelFormat detect(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path cfg = path.resolve("config.json");
            if (Files.isRegularFile(cfg) && readJson(cfg).has("text_config")) {
                return ModelFormat.HUGGINGFACE;
            }
            if (Files.isRegularFile(path.resolve("model.safetensors"))) {
                return ModelFormat.OPENAI_SAFETENSORS;
            }
            throw new WeightFormatException(path + ": folder holds neither a Hugging Face CLIPModel"
                    + " (config.json with text_config) nor a model.safetensors");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            Path cfg = path.toAbsolutePath().getParent().resolve("config.json");
            if (Files.isRegularFile(cfg) && readJson(cfg).has("text_config")) {
                return ModelFormat.HUGGINGFACE;
            }
            return ModelFormat.OPENAI_SAFETENSORS;
        }
        if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".jit")) {
            return ModelFormat.OPENAI_TORCHSCRIPT;
        }
        throw new WeightFormatException(path + ": unknown model format (expected an OpenAI .pt, a .safetensors file"
                + " or a Hugging Face CLIPModel folder)");
    }

    private static Path siblingConfig(Path pt) {
        String stem = pt.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Path own = pt.toAbsolutePath().getParent().resolve(stem + ".config.json");
        return Files.isRegularFile(own) ? own : pt.toAbsolutePath().getParent().resolve("config.json");
    }

    private static ClipConfig readOwnConfig(Path cfg) throws IOException {
        if (!Files.isRegularFile(cfg)) {
            return null;
        }
        JsonNode node = readJson(cfg);
        if (node.has("text_config")) {
            return null; // a Hugging Face config next to an OpenAI file says nothing about this file
        }
        try {
            return JSON.treeToValue(node, ClipConfig.class);
        } catch (JacksonException e) {
            throw new WeightFormatException(cfg + ": not a valid CLIP config: " + JsonProblem.of(e), e);
        } catch (IllegalArgumentException e) {
            throw new WeightFormatException(cfg + ": not a valid CLIP config: " + e.getMessage(), e);
        }
    }

    /** A config.json as a tree; not JSON is a {@link WeightFormatException} naming it. */
    private static JsonNode readJson(Path cfg) throws IOException {
        try {
            return JSON.readTree(cfg.toFile());
        } catch (JacksonException | CharConversionException e) {
            throw new WeightFormatException(cfg + ": not valid JSON: " + JsonProblem.of(e), e);
        }
    }

    private static Map<String, Tensor> readTorchScript(Path path) throws IOException {
        Torch.init();
        JitModule module;
        try {
            module = torch.load(path.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            throw new WeightFormatException(path + ": not a TorchScript archive (OpenAI's released .pt);"
                    + " plain pickled state dicts are not supported, convert them to .safetensors", e);
        }
        try {
            Map<String, Tensor> sd = new LinkedHashMap<>();
            named_parameter_list params = module.named_parameters(true);
            // copy out of the module so that closing it frees the TorchScript graph
            for (named_parameter_iterator it = params.begin(); it.notEquals(params.end()); it = it.increment()) {
                NamedTensor p = it.access();
                sd.put(p.name().getString(), Tensors.fp32(p.value().detach()).clone());
            }
            return sd;
        } finally {
            module.close();
        }
    }
}
