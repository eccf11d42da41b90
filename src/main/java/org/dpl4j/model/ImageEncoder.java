package org.dpl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/** CLIP's ViT: patch embedding, class token, positional embedding, ln_pre, blocks, ln_post, proj. */
public final class ImageEncoder {
    private final NDArray patchT;
    private final NDArray classEmbedding;
    private final NDArray positional;
    private final NDArray lnPreGamma;
    private final NDArray lnPreBeta;
    private final Transformer transformer;
    private final NDArray lnPostGamma;
    private final NDArray lnPostBeta;
    private final NDArray projection;
    private final int patch;
    private final int grid;

    ImageEncoder(ClipWeights w) {
        ClipConfig c = w.config();
        patch = c.visionPatchSize();
        grid = c.grid();
        // the stride-p convolution without bias is a matmul over flattened (3, p, p) patches
        patchT = w.get("visual.conv1.weight").reshape(c.visionWidth(), 3L * patch * patch).transpose();
        classEmbedding = w.get("visual.class_embedding");
        positional = w.get("visual.positional_embedding");
        lnPreGamma = w.get("visual.ln_pre.weight");
        lnPreBeta = w.get("visual.ln_pre.bias");
        List<BlockWeights> blocks = new ArrayList<>();
        for (int i = 0; i < c.visionLayers(); i++) {
            blocks.add(BlockWeights.of(w, "visual.transformer.resblocks." + i + ".", c.visionWidth(), c.visionHeads()));
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
    public NDArray stem(NDArray images) {
        return preNorm(embed(images));
    }

    /** Class token and patch embeddings plus the positional embedding, before {@code ln_pre}: (B, 1+g², W). */
    public NDArray embed(NDArray images) {
        NDManager m = images.getManager();
        long b = images.getShape().get(0);
        if (images.getShape().dimension() != 4 || images.getShape().get(2) != (long) patch * grid
                || images.getShape().get(3) != (long) patch * grid) {
            throw new IllegalArgumentException("images must be (B, 3, " + patch * grid + ", " + patch * grid
                    + "), got " + images.getShape());
        }
        NDArray patches = images.reshape(b, 3, grid, patch, grid, patch)
                .transpose(0, 2, 4, 1, 3, 5)
                .reshape(b, (long) grid * grid, 3L * patch * patch)
                .matMul(patchT);
        NDArray cls = m.zeros(new Shape(b, 1, classEmbedding.getShape().get(0))).add(classEmbedding);
        return NDArrays.concat(new NDList(cls, patches), 1).add(positional);
    }

    /** {@code ln_pre} over tokens (B, L, W), prompts appended to the embedding included (MaPLe). */
    public NDArray preNorm(NDArray tokens) {
        return Ops.layerNorm(tokens, lnPreGamma, lnPreBeta);
    }

    public NDArray encode(NDArray images, BlockAttention attention) {
        return encodeTokens(stem(images), attention, BlockInput.UNCHANGED);
    }

    /** Features (B, E) of normalised tokens (B, L, W): the blocks, then {@code ln_post} of the class token and the projection. */
    public NDArray encodeTokens(NDArray tokens, BlockAttention attention, BlockInput input) {
        NDArray x = transformer.forward(tokens, null, attention, input);
        NDArray cls = x.get(new NDIndex(":, 0, :"));
        return Ops.layerNorm(cls, lnPostGamma, lnPostBeta).matMul(projection);
    }
}
