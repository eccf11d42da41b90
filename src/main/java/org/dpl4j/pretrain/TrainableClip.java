package org.dpl4j.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.Ops;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.model.io.WeightSchema;

/**
 * Every CLIP tensor as a trainable parameter, initialised by {@link RandomWeights}, with the token
 * embedding cut down to the rows captions use ({@link CaptionTokens} says why); the full
 * 49408-row table is rebuilt for export from the initial table and the trained rows.
 *
 * <p>A step calls {@link #model(NDManager)}, which copies every parameter into the step's scope
 * (a differentiable add): everything the encoders derive from the weights, such as the transposed
 * views they build, then lives and dies with that scope, so memory stays flat over a long run while
 * gradients still reach the parameters.
 */
public final class TrainableClip {
    static final String TOKEN_EMBEDDING = "token_embedding.weight";
    static final String LOGIT_SCALE = "logit_scale";

    private final ClipConfig config;
    private final Map<String, NDArray> params;
    private final NDArray initialTokenTable;
    private final long[] usedIds;

    private TrainableClip(ClipConfig config, Map<String, NDArray> params, NDArray initialTokenTable, long[] usedIds) {
        this.config = config;
        this.params = Collections.unmodifiableMap(params);
        this.initialTokenTable = initialTokenTable;
        this.usedIds = usedIds;
    }

    /** Fresh weights from {@code seed}, in {@code manager}, with the token rows of {@code tokens}. */
    public static TrainableClip create(ClipConfig config, CaptionTokens tokens, NDManager manager, long seed) {
        Map<String, NDArray> all = RandomWeights.create(config, manager, seed);
        long[] used = tokens.usedIds();
        NDArray table = all.get(TOKEN_EMBEDDING);
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : all.entrySet()) {
            NDArray p = e.getKey().equals(TOKEN_EMBEDDING)
                    ? table.get(manager, new NDIndex("{}", manager.create(used)))
                    : e.getValue();
            p.setRequiresGradient(true);
            params.put(e.getKey(), p);
        }
        return new TrainableClip(config, params, table, used);
    }

    public ClipConfig config() {
        return config;
    }

    /** The trainable tensors by OpenAI name (the token embedding has {@code usedIds} rows). */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /** A CLIP over differentiable copies of the parameters owned by {@code scope}; closing {@code scope} frees it. */
    public ClipModel model(NDManager scope) {
        Map<String, NDArray> copies = new LinkedHashMap<>();
        params.forEach((k, v) -> copies.put(k, Ops.into(scope, v)));
        return ClipModel.of(scope, new ClipWeights(config, copies, null, null));
    }

    /** CLIP's clamp after each update: {@code logit_scale ∈ [0, ln 100]}, temperature at most 1 and at least 1/100. */
    public void clampLogitScale() {
        NDArray s = params.get(LOGIT_SCALE);
        float v = s.getFloat();
        float c = Math.max(0f, Math.min(ContrastiveLoss.MAX_LOGIT_SCALE, v));
        if (c != v) {
            Ops.fill(s, c);
        }
    }

    /**
     * The full OpenAI-named fp32 state dict in {@code manager}, in {@link WeightSchema} order: the
     * trained tensors, and the token table with its trained rows written over the initial one.
     */
    public Map<String, NDArray> stateDict(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : WeightSchema.expected(config).keySet()) {
            NDArray p = params.get(name);
            NDArray copy;
            if (name.equals(TOKEN_EMBEDDING)) {
                float[] table = initialTokenTable.toFloatArray();
                float[] rows = p.toFloatArray();
                int w = config.textWidth();
                for (int k = 0; k < usedIds.length; k++) {
                    System.arraycopy(rows, k * w, table, (int) usedIds[k] * w, w);
                }
                copy = manager.create(table, initialTokenTable.getShape());
            } else {
                copy = manager.create(p.toFloatArray(), p.getShape());
            }
            out.put(name, copy);
        }
        return out;
    }
}
