package org.dpl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.dpl4j.model.io.ClipLoader;

/**
 * A frozen CLIP: both encoders over weights held by a manager this object owns. Nothing here
 * requires gradients, so autograd only records what trainable prompts touch.
 */
public final class ClipModel implements AutoCloseable {
    private final NDManager manager;
    private final ClipWeights weights;
    private final TextEncoder text;
    private final ImageEncoder image;
    private final NDArray logitScale;

    private ClipModel(NDManager manager, ClipWeights weights) {
        this.manager = manager;
        this.weights = weights;
        this.text = new TextEncoder(weights);
        this.image = new ImageEncoder(weights);
        this.logitScale = weights.get("logit_scale");
    }

    /** Loads any supported format; {@code config} overrides the dims found in the files (may be null). */
    public static ClipModel load(Path path, ClipConfig config, NDManager parent) throws IOException {
        NDManager m = parent.newSubManager();
        try {
            return new ClipModel(m, ClipLoader.load(path, config, m));
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Wraps weights already loaded into {@code manager}; closing the model closes the manager. */
    public static ClipModel of(NDManager manager, ClipWeights weights) {
        return new ClipModel(manager, weights);
    }

    public ClipConfig config() {
        return weights.config();
    }

    public ClipWeights weights() {
        return weights;
    }

    public TextEncoder text() {
        return text;
    }

    public ImageEncoder image() {
        return image;
    }

    public NDManager manager() {
        return manager;
    }

    /** {@code exp(logit_scale)} as a float. */
    public float scale() {
        return (float) Math.exp(logitScale.getFloat());
    }

    /** {@code exp(logit_scale) · cos(image, text)}: (B, E) × (C, E) → (B, C). */
    public NDArray logits(NDArray imageFeatures, NDArray textFeatures) {
        NDArray i = normalize(imageFeatures);
        NDArray t = normalize(textFeatures);
        return Ops.mul(i.matMul(t.transpose()), scale());
    }

    /** Row-wise L2 normalisation. */
    public static NDArray normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true));
    }

    @Override
    public void close() {
        manager.close();
    }
}
