package org.dpl4j.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Tensors;

/** CLIP's ViT: patch embedding, class token, positional embedding, ln_pre, blocks, ln_post, proj. */
public final class ImageEncoder {
    private final Tensor patchT;
    private final Tensor classEmbedding;
    private final Tensor positional;
    private final Tensor lnPreGamma;
    private final Tensor lnPreBeta;
    private final Transformer transformer;
    private final Tensor lnPostGamma;
    private final Tensor lnPostBeta;
    private final Tensor projection;
    private final int patch;
    private final int grid;

    ImageEncoder(ClipWeights w, Owned owner) {
        ClipConfig c = w.config();
        patch = c.visionPatchSize();
        grid = c.grid();
        // the stride-p convolution without bias is a matmul over flattened (3, p, p) patches
        patchT = owner.own(w.get("visual.conv1.weight").reshape(c.visionWidth(), 3L * patch * patch).t());
        classEmbedding = w.get("visual.class_embedding");
        positional = w.get("visual.positional_embedding");
        lnPreGamma = w.get("visual.ln_pre.weight");
        lnPreBeta = w.get("visual.ln_pre.bias");
        List<BlockWeights> blocks = new ArrayList<>();
        for (int i = 0; i < c.visionLayers(); i++) {
            blocks.add(BlockWeights.of(w, "visual.transformer.resblocks." + i + ".", c.visionWidth(), c.visionHeads(), owner));
        }
        transformer = new Transformer(blocks);
        lnPostGamma = w.get("visual.ln_post.weight");
        lnPostBeta = w.get("visual.ln_post.bias");
        projection = w.get("visual.proj");
    }

    public Transformer transformer() {
        return transformer;
    }

    /** The frozen stem: tokens after {@code ln_pre}, (B, 1+g², W). Carries no gradient. */
    public Tensor stem(Tensor images) {
        return preNorm(embed(images));
    }

    /** Class token and patch embeddings plus the positional embedding, before {@code ln_pre}: (B, 1+g², W). */
    public Tensor embed(Tensor images) {
        if (images.dim() != 4 || images.size(2) != (long) patch * grid || images.size(3) != (long) patch * grid) {
            throw new IllegalArgumentException("images must be (B, 3, " + patch * grid + ", " + patch * grid
                    + "), got " + Tensors.shapeString(images));
        }
        long b = images.size(0);
        Tensor patches = Tensors.matmul(images.reshape(b, 3, grid, patch, grid, patch)
                .permute(0, 2, 4, 1, 3, 5)
                .reshape(b, (long) grid * grid, 3L * patch * patch), patchT);
        Tensor cls = classEmbedding.to(Tensors.dtype(patches)).reshape(1, 1, -1).expand(b, 1, -1);
        return Tensors.cat(List.of(cls, patches), 1).add(positional);
    }

    /** {@code ln_pre} over tokens (B, L, W), prompts appended to the embedding included (MaPLe). */
    public Tensor preNorm(Tensor tokens) {
        return Ops.layerNorm(tokens, lnPreGamma, lnPreBeta);
    }

    public Tensor encode(Tensor images, BlockAttention attention) {
        return encodeTokens(stem(images), attention, BlockInput.UNCHANGED);
    }

    /** Features (B, E) of normalised tokens (B, L, W): the blocks, then {@code ln_post} of the class token and the projection. */
    public Tensor encodeTokens(Tensor tokens, BlockAttention attention, BlockInput input) {
        Tensor x = transformer.forward(tokens, null, attention, input);
        Tensor cls = x.select(1, 0);
        return Tensors.matmul(Ops.layerNorm(cls, lnPostGamma, lnPostBeta), projection);
    }
}
