package org.dpl4j.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Dimensions of a CLIP model (ViT image tower + causal text transformer), named as in OpenAI's
 * {@code build_model} and in the {@code config.json} we write beside OpenAI-named weights.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipConfig(
        @JsonProperty("embed_dim") int embedDim,
        @JsonProperty("image_resolution") int imageResolution,
        @JsonProperty("vision_layers") int visionLayers,
        @JsonProperty("vision_width") int visionWidth,
        @JsonProperty("vision_heads") int visionHeads,
        @JsonProperty("vision_patch_size") int visionPatchSize,
        @JsonProperty("context_length") int contextLength,
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("transformer_width") int textWidth,
        @JsonProperty("transformer_heads") int textHeads,
        @JsonProperty("transformer_layers") int textLayers) {

    public ClipConfig {
        require(embedDim > 0, "embed_dim must be positive");
        require(imageResolution > 0 && visionPatchSize > 0 && imageResolution % visionPatchSize == 0,
                "image_resolution must be a positive multiple of vision_patch_size");
        require(visionHeads > 0 && visionWidth % visionHeads == 0, "vision_width must be divisible by vision_heads");
        require(textHeads > 0 && textWidth % textHeads == 0, "transformer_width must be divisible by transformer_heads");
        require(visionLayers > 0 && textLayers > 0, "layer counts must be positive");
        require(contextLength > 1 && vocabSize > 0, "context_length and vocab_size must be positive");
    }

    /** OpenAI's ViT-B/16: the backbone of the paper. */
    public static ClipConfig vitB16() {
        return new ClipConfig(512, 224, 12, 768, 12, 16, 77, 49408, 512, 8, 12);
    }

    /** Patches per side of the image grid. */
    public int grid() {
        return imageResolution / visionPatchSize;
    }

    /** Image tokens: one per patch plus the class token. */
    public int imageTokens() {
        return grid() * grid() + 1;
    }

    /** Transformer width of a branch. */
    public int width(Branch b) {
        return b == Branch.IMAGE ? visionWidth : textWidth;
    }

    public int heads(Branch b) {
        return b == Branch.IMAGE ? visionHeads : textHeads;
    }

    public int layers(Branch b) {
        return b == Branch.IMAGE ? visionLayers : textLayers;
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid CLIP config: " + msg);
        }
    }
}
