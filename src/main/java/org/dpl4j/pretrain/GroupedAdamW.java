package org.dpl4j.pretrain;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Optimizer;

/**
 * AdamW with two parameter groups, as CLIP and open_clip train: weight matrices decay, while
 * gains, biases, embeddings (token, positional, class) and the temperature do not. Decaying a
 * LayerNorm gain or a bias pulls it towards 0 for no regularising benefit, and decaying the token
 * embedding would also move rows no caption uses (see {@link CaptionTokens}). The state is the two
 * groups' {@link Adam} states under the prefixes {@code decay.} and {@code no_decay.}.
 */
public final class GroupedAdamW implements Optimizer, AutoCloseable {
    private final Adam decay;
    private final Adam noDecay;

    public GroupedAdamW(float beta1, float beta2, float eps, float weightDecay) {
        this.decay = new Adam(beta1, beta2, eps, weightDecay, true);
        this.noDecay = new Adam(beta1, beta2, eps, 0f, true);
    }

    /** Whether the tensor {@code name} (OpenAI naming) gets weight decay: matrices other than embeddings. */
    public static boolean decays(String name, Tensor value) {
        return value.dim() >= 2 && !name.contains("embedding");
    }

    @Override
    public void step(Map<String, Tensor> params, Map<String, Tensor> grads, float lr) {
        Map<String, Tensor> d = new LinkedHashMap<>();
        Map<String, Tensor> n = new LinkedHashMap<>();
        Map<String, Tensor> gd = new LinkedHashMap<>();
        Map<String, Tensor> gn = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            boolean decays = decays(k, v);
            (decays ? d : n).put(k, v);
            (decays ? gd : gn).put(k, grads.get(k));
        });
        decay.step(d, gd, lr);
        noDecay.step(n, gn, lr);
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        decay.state().forEach((k, v) -> out.put("decay." + k, v));
        noDecay.state().forEach((k, v) -> out.put("no_decay." + k, v));
        return out;
    }

    @Override
    public void load(Map<String, Tensor> state) {
        Map<String, Tensor> d = new LinkedHashMap<>();
        Map<String, Tensor> n = new LinkedHashMap<>();
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

    /** Gives back both groups' moments. */
    @Override
    public void close() {
        decay.close();
        noDecay.close();
    }
}
