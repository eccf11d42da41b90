package org.dpl4j.pretrain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.model.WeightSchema;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;

/**
 * Every CLIP tensor as a trainable fp32 leaf, initialised by {@link RandomWeights}, with the token
 * embedding cut down to the rows captions use ({@link CaptionTokens} says why); the full
 * 49408-row table is rebuilt for export from the initial table and the trained rows.
 *
 * <p>A step builds a {@link #model()} over the leaves inside its scope and closes it: the
 * transposed and sliced views the encoders derive from the weights are then part of that step's
 * graph and die with it, so memory stays flat over a long run while gradients reach the leaves.
 */
public final class TrainableClip implements AutoCloseable {
    static final String TOKEN_EMBEDDING = "token_embedding.weight";
    static final String LOGIT_SCALE = "logit_scale";

    private final Owned owned;
    private final ClipConfig config;
    private final Map<String, Tensor> params;
    private final Tensor initialTokenTable;
    private final long[] usedIds;

    private TrainableClip(Owned owned, ClipConfig config, Map<String, Tensor> params, Tensor initialTokenTable,
            long[] usedIds) {
        this.owned = owned;
        this.config = config;
        this.params = Collections.unmodifiableMap(params);
        this.initialTokenTable = initialTokenTable;
        this.usedIds = usedIds;
    }

    /** Fresh weights from {@code seed} on the CPU, with the token rows of {@code tokens}. */
    public static TrainableClip create(ClipConfig config, CaptionTokens tokens, long seed) {
        return create(config, tokens, seed, null);
    }

    /** As {@link #create(ClipConfig, CaptionTokens, long)}, on {@code device} (null: the CPU). */
    public static TrainableClip create(ClipConfig config, CaptionTokens tokens, long seed, Device device) {
        Owned owned = new Owned();
        try (Scope s = Scope.open()) {
            Map<String, Tensor> all = RandomWeights.create(config, seed);
            long[] used = tokens.usedIds();
            Tensor table = owned.own(all.get(TOKEN_EMBEDDING));
            Map<String, Tensor> params = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : all.entrySet()) {
                Tensor p = e.getKey().equals(TOKEN_EMBEDDING)
                        ? table.index_select(0, Tensors.longs(used, used.length))
                        : e.getValue();
                if (device != null && !device.is_cpu()) {
                    p = Tensors.fp32(p, device);
                }
                // a fresh tensor that requires grad is an autograd leaf (the call returns a non-owning
                // handle, so the owning one is kept)
                p.set_requires_grad(true);
                params.put(e.getKey(), owned.own(p));
            }
            return new TrainableClip(owned, config, params, table, used);
        } catch (RuntimeException e) {
            owned.close();
            throw e;
        }
    }

    public ClipConfig config() {
        return config;
    }

    /** The trainable leaves by OpenAI name (the token embedding has {@code usedIds} rows). */
    public Map<String, Tensor> parameters() {
        return params;
    }

    /**
     * A CLIP over the leaves themselves (references, not copies), so its outputs are differentiable
     * in them. Build it inside the step's scope and close it with the step.
     */
    public ClipModel model() {
        return ClipModel.of(new ClipWeights(config, params, null, null));
    }

    /** CLIP's clamp after each update: {@code logit_scale ∈ [0, ln 100]}, temperature at most 1 and at least 1/100. */
    public void clampLogitScale() {
        Tensor s = params.get(LOGIT_SCALE);
        float v = Tensors.item(s);
        float c = Math.max(0f, Math.min(ContrastiveLoss.MAX_LOGIT_SCALE, v));
        if (c != v) {
            Tensors.fill(s, c);
        }
    }

    /**
     * The full OpenAI-named fp32 state dict as CPU copies in the caller's scope, in
     * {@link WeightSchema} order: the trained tensors, and the token table with its trained rows
     * written over the initial one.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (NoGrad g = NoGrad.open()) {
            for (String name : WeightSchema.expected(config).keySet()) {
                Tensor p = params.get(name);
                Tensor copy;
                if (name.equals(TOKEN_EMBEDDING)) {
                    float[] table = Tensors.toFloats(initialTokenTable);
                    float[] rows = Tensors.toFloats(p);
                    int w = config.textWidth();
                    for (int k = 0; k < usedIds.length; k++) {
                        System.arraycopy(rows, k * w, table, (int) usedIds[k] * w, w);
                    }
                    copy = Tensors.floats(table, Tensors.shape(initialTokenTable));
                } else {
                    copy = Tensors.floats(Tensors.toFloats(p), Tensors.shape(p));
                }
                out.put(name, copy);
            }
        }
        return out;
    }

    @Override
    public void close() {
        owned.close();
    }
}
