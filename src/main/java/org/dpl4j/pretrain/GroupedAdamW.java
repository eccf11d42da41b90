package org.dpl4j.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Optimizer;

/**
 * AdamW with two parameter groups, as CLIP and open_clip train: weight matrices decay, while
 * gains, biases, embeddings (token, positional, class) and the temperature do not. Decaying a
 * LayerNorm gain or a bias pulls it towards 0 for no regularising benefit, and decaying the token
 * embedding would also move rows no caption uses (see {@link CaptionTokens}). The state is the two
 * groups' {@link Adam} states under the prefixes {@code decay.} and {@code no_decay.}.
 */
public final class GroupedAdamW implements Optimizer {
    private final Adam decay;
    private final Adam noDecay;

    public GroupedAdamW(NDManager manager, float beta1, float beta2, float eps, float weightDecay) {
        this.decay = new Adam(manager, beta1, beta2, eps, weightDecay, true);
        this.noDecay = new Adam(manager, beta1, beta2, eps, 0f, true);
    }

    /** Whether the tensor {@code name} (OpenAI naming) gets weight decay: matrices other than embeddings. */
    public static boolean decays(String name, NDArray value) {
        return value.getShape().dimension() >= 2 && !name.contains("embedding");
    }

    @Override
    public void step(Map<String, NDArray> params, float lr) {
        Map<String, NDArray> d = new LinkedHashMap<>();
        Map<String, NDArray> n = new LinkedHashMap<>();
        params.forEach((k, v) -> (decays(k, v) ? d : n).put(k, v));
        decay.step(d, lr);
        noDecay.step(n, lr);
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        decay.state().forEach((k, v) -> out.put("decay." + k, v));
        noDecay.state().forEach((k, v) -> out.put("no_decay." + k, v));
        return out;
    }

    @Override
    public void load(Map<String, NDArray> state) {
        Map<String, NDArray> d = new LinkedHashMap<>();
        Map<String, NDArray> n = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith("decay.")) {
                d.put(k.substring("decay.".length()), v);
            } else if (k.startsWith("no_decay.")) {
                n.put(k.substring("no_decay.".length()), v);
            } else {
                throw new IllegalArgumentException("not a GroupedAdamW state tensor: " + k);
            }
        });
        decay.load(d);
        noDecay.load(n);
    }
}
