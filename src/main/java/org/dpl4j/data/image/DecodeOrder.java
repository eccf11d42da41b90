package org.dpl4j.data.image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Whether an image is made RGB before or after it is resized: the two reference pipelines differ.
 *
 * <p>The order matters only for palette and alpha files. Pillow resizes palette ("P") images
 * nearest-neighbour whatever filter is asked for, and RGBA images premultiplied by alpha; after
 * {@code convert("RGB")} both are plain RGB and resize bicubic, with the colours under transparent
 * pixels counting in full. Opaque RGB and grey files give the same pixels in either order.
 */
public enum DecodeOrder {
    /**
     * Dassl's {@code read_image}: {@code Image.open(path).convert("RGB")}, then the transforms resize
     * the RGB image. DPL trains, searches and tests through Dassl, so every path that learns or
     * evaluates prompts uses this order.
     */
    DASSL("Dassl: convert(\"RGB\"), then resize"),
    /**
     * OpenAI CLIP's {@code preprocess}: {@code Resize} and {@code CenterCrop} in the file's own mode,
     * then {@code _convert_image_to_rgb}. Used where the output is meant to equal {@code clip.load}'s
     * (image embeddings, zero-shot CLIP, CLIP pre-training); the golden preprocess cases are in this order.
     */
    OPENAI("OpenAI CLIP: resize in the file's mode, then convert(\"RGB\")");

    private final String description;

    DecodeOrder(String description) {
        this.description = description;
    }

    /**
     * Decodes {@code file} for {@link ClipTransforms}, which resize an image in the mode they are given:
     * already RGB for {@link #DASSL}, as stored (palette, alpha kept) for {@link #OPENAI}.
     *
     * @throws InvalidImageException naming the file when it cannot be decoded
     */
    public BufferedImage decode(Path file) throws InvalidImageException {
        return switch (this) {
            case DASSL -> ImageDecoder.readRgb(file);
            case OPENAI -> ImageDecoder.read(file);
        };
    }

    /**
     * An image decoded elsewhere (a library caller's {@link BufferedImage}, an upload) in the mode
     * {@link ClipTransforms} should resize it in, as {@link #decode} would give it for a file.
     */
    public BufferedImage prepare(BufferedImage decoded) {
        return switch (this) {
            case DASSL -> ImageDecoder.toRgb(decoded);
            case OPENAI -> decoded;
        };
    }

    /** What this order does, in words (recorded in run.json). */
    public String description() {
        return description;
    }
}
