package org.dpl4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Tensors;

/**
 * A frozen CLIP: both encoders over weights this object owns, on one device and in one precision.
 * Nothing here requires gradients, so autograd only records what trainable prompts touch.
 */
public final class ClipModel implements AutoCloseable {
    private final Owned owned;
    private final ClipWeights weights;
    private final Placement placement;
    private final Device device;
    private final TextEncoder text;
    private final ImageEncoder image;
    private final float scale;

    /** @param scale {@code exp(logit_scale)}, read before the weights were placed (a meta tensor has no value to read) */
    private ClipModel(Owned owned, ClipWeights weights, Placement placement, float scale) {
        this.owned = owned;
        this.weights = weights;
        this.placement = placement;
        this.device = owned.own(placement.torchDevice());
        this.text = new TextEncoder(weights, owned);
        this.image = new ImageEncoder(weights, owned);
        this.scale = scale;
    }

    /**
     * A model over {@code weights} moved to {@code placement} (see {@link #place}). The model owns
     * the placed tensors; {@code weights} stay the caller's. The logit scale is read from
     * {@code weights} before they are placed (a meta tensor has no value to read). Loading from files is
     * {@link org.dpl4j.model.io.ClipLoader#load}.
     */
    public static ClipModel placed(ClipWeights weights, Placement placement) {
        Owned owned = new Owned();
        try {
            return new ClipModel(owned, place(weights, placement, owned), placement, scaleOf(weights));
        } catch (RuntimeException e) {
            owned.close();
            throw e;
        }
    }

    /** Wraps weights as they are (their device and dtype); the model takes a reference to each. */
    public static ClipModel of(ClipWeights weights) {
        Owned owned = new Owned();
        weights.tensors().values().forEach(owned::own);
        Tensor any = weights.get("logit_scale");
        Precision p = Tensors.is(weights.get("visual.proj"), Precision.BF16) ? Precision.BF16 : Precision.FP32;
        return new ClipModel(owned, weights, new Placement(org.dpl4j.tensor.DeviceSpec.of(any.device()), p), scaleOf(weights));
    }

    private static float scaleOf(ClipWeights w) {
        return (float) Math.exp(Tensors.item(w.get("logit_scale")));
    }

    /**
     * The weights moved to the placement: in bf16 mode every matrix and embedding is bf16, while
     * LayerNorm parameters and the logit scale stay fp32 (LayerNorm runs in fp32 anyway).
     */
    public static ClipWeights place(ClipWeights w, Placement placement, Owned owned) {
        Device d = placement.torchDevice();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : w.tensors().entrySet()) {
            String name = e.getKey();
            boolean keepFp32 = name.equals("logit_scale") || name.contains("ln_");
            Precision precision = keepFp32 ? Precision.FP32 : placement.precision();
            Tensor t = e.getValue();
            if (!Tensors.is(t, precision) || !t.device().is_cpu() || !d.is_cpu()) {
                t = t.to(d, precision.type());
            }
            out.put(name, owned.own(t));
        }
        return new ClipWeights(w.config(), out, w.format(), w.source());
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

    public Placement placement() {
        return placement;
    }

    /** The device every tensor of this model (and of a step that uses it) lives on. */
    public Device device() {
        return device;
    }

    /** {@code exp(logit_scale)} as a float. */
    public float scale() {
        return scale;
    }

    /** {@code exp(logit_scale) · cos(image, text)}: (B, E) × (C, E) → (B, C), in fp32. */
    public Tensor logits(Tensor imageFeatures, Tensor textFeatures) {
        Tensor i = normalize(Tensors.fp32(imageFeatures));
        Tensor t = normalize(Tensors.fp32(textFeatures));
        return Tensors.mul(i.matmul(t.t()), scale);
    }

    /** Row-wise L2 normalisation. */
    public static Tensor normalize(Tensor x) {
        return x.div(Tensors.norm(x, -1, true));
    }

    @Override
    public void close() {
        owned.close();
    }
}
