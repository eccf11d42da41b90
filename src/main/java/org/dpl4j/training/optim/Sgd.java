package org.dpl4j.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpl4j.model.Ops;

/**
 * SGD with momentum and L2 weight decay, as {@code torch.optim.SGD} (dampening 0, no Nesterov):
 * {@code g += wd·w; buf = μ·buf + g} (buf = g on the first step); {@code w -= lr·buf}.
 */
public final class Sgd implements Optimizer {
    private final NDManager manager;
    private final float momentum;
    private final float weightDecay;
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();

    public Sgd(NDManager manager, float momentum, float weightDecay) {
        this.manager = manager;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Map<String, NDArray> params, float lr) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray w = e.getValue();
            NDArray g = w.getGradient();
            try (NDManager tmp = manager.newSubManager()) {
                NDArray d = Ops.into(tmp, g);
                if (weightDecay != 0) {
                    d.addi(Ops.into(tmp, w).muli(weightDecay));
                }
                NDArray buf = buffers.get(e.getKey());
                if (momentum != 0) {
                    if (buf == null) {
                        buf = d.duplicate();
                        buf.attach(manager);
                        buffers.put(e.getKey(), buf);
                    } else {
                        buf.muli(momentum).addi(d);
                    }
                    d = buf;
                }
                // every temporary must live in tmp: results of an op belong to its left operand's manager
                w.subi(Ops.into(tmp, d).muli(lr));
            }
            Ops.fill(g, 0f);
            g.close(); // getGradient() hands out a new handle each call; free it or it piles up in the parameter's manager
        }
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        buffers.forEach((k, v) -> out.put("momentum." + k, v));
        return out;
    }

    @Override
    public void load(Map<String, NDArray> state) {
        buffers.clear();
        state.forEach((k, v) -> {
            if (k.startsWith("momentum.")) {
                NDArray b = v.duplicate();
                b.attach(manager);
                buffers.put(k.substring("momentum.".length()), b);
            }
        });
    }
}
