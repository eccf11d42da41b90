package org.dpl4j.model.io;

import org.dpl4j.tensor.io.Safetensors;
import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.WeightFormatException;
import org.dpl4j.model.WeightSchema;
import org.dpl4j.testutil.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Model-format detection, {@code config.json} reading (OpenAI-style and Hugging Face {@code CLIPModel})
 * and dims inferred from tensor shapes, on fuzzed files. The input is three files ({@link FuzzFiles}):
 * the layout (its first byte picks one: a Hugging Face folder, an OpenAI safetensors file with a
 * config.json beside it, one without, or a folder without weights), the config.json and the
 * model.safetensors. A model that loads must have passed {@link WeightSchema#validate} and be usable
 * as a {@link ClipModel}; anything else must be refused with an IOException or a
 * {@link WeightFormatException} whose one line names the folder of the files.
 */
class ModelFormatFuzzTest {
    static Path root;
    static int n;

    @BeforeAll
    static void folder() throws IOException {
        root = Files.createTempDirectory("dpl4j-fuzz-model");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        FuzzFiles.delete(root);
    }

    @FuzzTest
    @DictionaryEntries({FuzzFiles.SEPARATOR, "\"text_config\"", "\"vision_config\"", "\"hidden_size\"", "\"num_hidden_layers\"",
        "\"num_attention_heads\"", "\"patch_size\"", "\"image_size\"", "\"projection_dim\"", "\"hidden_act\"", "\"quick_gelu\"",
        "\"embed_dim\"", "\"vision_layers\"", "\"vision_width\"", "\"vision_heads\"", "\"transformer_layers\"", "visual.proj",
        "visual.conv1.weight", "visual.positional_embedding", "transformer.resblocks.", "visual.transformer.resblocks.",
        "text_model.encoder.layers.", "vision_model.encoder.layers.", "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"F16\""})
    void loadsOrRefuses(byte[] data) throws Exception {
        List<byte[]> files = FuzzFiles.split(data, 3);
        // a fresh folder per input: detection looks at which files exist
        Path dir = Files.createDirectories(root.resolve("m" + n++));
        try {
            int layout = files.get(0).length == 0 ? 0 : Math.floorMod(files.get(0)[0], 4);
            FuzzFiles.write(dir.resolve("config.json"), files.get(1));
            Path path = switch (layout) {
                case 0 -> dir; // a Hugging Face CLIPModel folder, or an OpenAI safetensors folder
                case 1 -> dir.resolve("model.safetensors"); // OpenAI names, config.json beside
                case 2 -> dir.resolve("weights.safetensors"); // OpenAI names, no config.json: dims inferred from shapes
                default -> dir; // a folder with a config.json and no weights
            };
            if (layout == 2) {
                Files.delete(dir.resolve("config.json"));
            }
            if (layout != 3) {
                FuzzFiles.write(path.getFileName().toString().endsWith(".safetensors") ? path : dir.resolve("model.safetensors"),
                        files.get(2));
            }
            ClipModel clip = returnsOrRefuses(() -> ClipLoader.load(path, null), dir.toString(), IOException.class,
                    WeightFormatException.class);
            if (clip != null) {
                try (clip) {
                    WeightSchema.validate(clip.weights().tensors(), clip.config(), path.toString());
                }
            }
        } finally {
            FuzzFiles.delete(dir);
        }
    }
}
