package org.dpl4j.training.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;

/**
 * SGD with momentum and L2 weight decay, as {@code torch.optim.SGD} (dampening 0, no Nesterov):
 * {@code g += wd·w; buf = μ·buf + g} (buf = g on the first step); {@code w -= lr·buf}.
 * The momentum buffers are its own until {@link #close()}.
 */
public final class Sgd implements Optimizer, AutoCloseable {
    private final Owned owned = new Owned();
    private final float momentum;
    private final float weightDecay;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    public Sgd(float momentum, float weightDecay) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Map<String, Tensor> params, Map<String, Tensor> grads, float lr) {
        try (Scope s = Scope.open(); NoGrad ng = NoGrad.open()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                String k = e.getKey();
                Tensor w = e.getValue();
                Tensor d = OptimState.grad(grads, k);
                if (weightDecay != 0) {
                    d = d.add(Tensors.mul(w, weightDecay));
                }
                if (momentum != 0) {
                    Tensor buf = buffers.get(k);
                    if (buf == null) {
                        buf = owned.own(d.clone());
                        buffers.put(k, buf);
                    } else {
                        buf = OptimState.onDeviceOf(buffers, k, w, owned);
                        Tensors.mulInPlace(buf, momentum).add_(d);
                    }
                    d = buf;
                }
                w.sub_(Tensors.mul(d, lr));
            }
        }
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        buffers.forEach((k, v) -> out.put("momentum." + k, OptimState.copy(v)));
        return out;
    }

    @Override
    public void load(Map<String, Tensor> state) {
        buffers.clear();
        state.forEach((k, v) -> {
            if (k.startsWith("momentum.")) {
                buffers.put(k.substring("momentum.".length()), owned.own(OptimState.copy(v)));
            }
        });
    }

    @Override
    public void close() {
        owned.close();
    }
}
