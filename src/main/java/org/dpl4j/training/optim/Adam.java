package org.dpl4j.training.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;

/**
 * Adam as {@code torch.optim.Adam} (L2 weight decay added to the gradient, or decoupled as AdamW):
 * {@code w -= lr/(1-β1ᵗ) · m / (sqrt(v)/sqrt(1-β2ᵗ) + ε)}. The moments are its own until {@link #close()}.
 */
public final class Adam implements Optimizer, AutoCloseable {
    private final Owned owned = new Owned();
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private final Map<String, Tensor> m1 = new LinkedHashMap<>();
    private final Map<String, Tensor> m2 = new LinkedHashMap<>();
    private final Map<String, Integer> steps = new LinkedHashMap<>();

    public Adam(float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    @Override
    public void step(Map<String, Tensor> params, Map<String, Tensor> grads, float lr) {
        try (Scope s = Scope.open(); NoGrad ng = NoGrad.open()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                String k = e.getKey();
                Tensor w = e.getValue();
                Tensor d = OptimState.grad(grads, k);
                if (weightDecay != 0) {
                    if (decoupled) {
                        Tensors.mulInPlace(w, 1 - lr * weightDecay);
                    } else {
                        d = d.add(Tensors.mul(w, weightDecay));
                    }
                }
                if (!m1.containsKey(k)) {
                    m1.put(k, owned.own(Tensors.zerosLike(w)));
                    m2.put(k, owned.own(Tensors.zerosLike(w)));
                }
                Tensor a = OptimState.onDeviceOf(m1, k, w, owned);
                Tensor b = OptimState.onDeviceOf(m2, k, w, owned);
                int t = steps.merge(k, 1, Integer::sum);
                Tensors.mulInPlace(a, beta1).add_(Tensors.mul(d, 1 - beta1));
                Tensors.mulInPlace(b, beta2).add_(Tensors.mul(d.mul(d), 1 - beta2));
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                Tensor denom = Tensors.add(Tensors.div(b.sqrt(), (float) Math.sqrt(bc2)), eps);
                w.sub_(Tensors.mul(a.div(denom), (float) (lr / bc1)));
            }
        }
    }

    /** Copies of the moments and the step counts ({@code t.<name>}, shape (1)), in the caller's scope. */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m1.forEach((k, v) -> out.put("m." + k, OptimState.copy(v)));
        m2.forEach((k, v) -> out.put("v." + k, OptimState.copy(v)));
        steps.forEach((k, v) -> out.put("t." + k, Tensors.floats(new float[] {v}, 1))); // CPU: a host counter, for the checkpoint
        return out;
    }

    @Override
    public void load(Map<String, Tensor> state) {
        m1.clear();
        m2.clear();
        steps.clear();
        state.forEach((k, v) -> {
            if (k.startsWith("m.")) {
                m1.put(k.substring(2), owned.own(OptimState.copy(v)));
            } else if (k.startsWith("v.")) {
                m2.put(k.substring(2), owned.own(OptimState.copy(v)));
            } else if (k.startsWith("t.")) {
                steps.put(k.substring(2), Math.round(Tensors.toFloats(v)[0]));
            }
        });
    }

    @Override
    public void close() {
        owned.close();
    }
}
