package org.dpl4j.model.io;

import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.WeightFormatException;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dpl4j.model.ClipConfig;

/**
 * Reads a ViT CLIP's dimensions off an OpenAI-named state dict, the way OpenAI's
 * {@code build_model} does (heads = width / 64), for files that come without a config.
 */
final class ConfigInference {
    // at most 6 digits: a longer block number is no block (validation then reports the tensor as unexpected)
    private static final Pattern VISUAL_BLOCK = Pattern.compile("^visual\\.transformer\\.resblocks\\.(\\d{1,6})\\.");
    private static final Pattern TEXT_BLOCK = Pattern.compile("^transformer\\.resblocks\\.(\\d{1,6})\\.");

    private ConfigInference() {}

    static ClipConfig infer(Map<String, Tensor> sd, String source) {
        if (!sd.containsKey("visual.proj")) {
            throw new WeightFormatException(source + ": no tensor visual.proj; only ViT CLIP models are supported"
                    + (sd.containsKey("visual.layer1.0.conv1.weight") ? " (this looks like a ResNet CLIP)" : ""));
        }
        long[] conv = shape(sd, "visual.conv1.weight", 4, source);
        int visionWidth = (int) conv[0];
        int patch = (int) conv[3];
        int grid = (int) Math.round(Math.sqrt(shape(sd, "visual.positional_embedding", 2, source)[0] - 1));
        int textWidth = (int) shape(sd, "ln_final.weight", 1, source)[0];
        try {
            return new ClipConfig(
                    (int) shape(sd, "text_projection", 2, source)[1],
                    patch * grid,
                    countBlocks(sd, VISUAL_BLOCK),
                    visionWidth,
                    Math.max(1, visionWidth / 64),
                    patch,
                    (int) shape(sd, "positional_embedding", 2, source)[0],
                    (int) shape(sd, "token_embedding.weight", 2, source)[0],
                    textWidth,
                    Math.max(1, textWidth / 64),
                    countBlocks(sd, TEXT_BLOCK));
        } catch (IllegalArgumentException e) {
            throw new WeightFormatException(source + ": the dims its tensor shapes give are not a CLIP: " + e.getMessage(), e);
        }
    }

    /** The shape of tensor {@code name}, which must have {@code rank} dimensions. */
    private static long[] shape(Map<String, Tensor> sd, String name, int rank, String source) {
        Tensor a = sd.get(name);
        if (a == null) {
            throw new WeightFormatException(source + ": missing tensor " + name);
        }
        long[] s = Tensors.shape(a);
        if (s.length != rank) {
            throw new WeightFormatException(source + ": tensor " + name + " has shape " + Shape.of(a) + ", not " + rank
                    + " dimensions");
        }
        return s;
    }

    private static int countBlocks(Map<String, Tensor> sd, Pattern p) {
        int max = -1;
        for (String k : sd.keySet()) {
            Matcher m = p.matcher(k);
            if (m.find()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max + 1;
    }
}
