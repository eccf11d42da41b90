package org.dpl4j.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpl4j.model.Ops;

/**
 * Adam as {@code torch.optim.Adam} (L2 weight decay added to the gradient, or decoupled as AdamW):
 * {@code w -= lr/(1-β1ᵗ) · m / (sqrt(v)/sqrt(1-β2ᵗ) + ε)}.
 */
public final class Adam implements Optimizer {
    private final NDManager manager;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private final Map<String, NDArray> m1 = new LinkedHashMap<>();
    private final Map<String, NDArray> m2 = new LinkedHashMap<>();
    private final Map<String, Integer> steps = new LinkedHashMap<>();
    /** The step counts as arrays for {@link #state()}, made once and refilled, so checkpoints leak nothing. */
    private final Map<String, NDArray> stepArrays = new LinkedHashMap<>();

    public Adam(NDManager manager, float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        this.manager = manager;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    @Override
    public void step(Map<String, NDArray> params, float lr) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String k = e.getKey();
            NDArray w = e.getValue();
            NDArray g = w.getGradient();
            try (NDManager tmp = manager.newSubManager()) {
                NDArray d = Ops.into(tmp, g);
                if (weightDecay != 0) {
                    if (decoupled) {
                        w.muli(1 - lr * weightDecay);
                    } else {
                        d.addi(Ops.into(tmp, w).muli(weightDecay));
                    }
                }
                NDArray a = m1.computeIfAbsent(k, x -> manager.zeros(w.getShape()));
                NDArray b = m2.computeIfAbsent(k, x -> manager.zeros(w.getShape()));
                int t = steps.merge(k, 1, Integer::sum);
                a.muli(beta1).addi(d.mul(1 - beta1));
                b.muli(beta2).addi(d.mul(d).mul(1 - beta2));
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                // temporaries must live in tmp: results of an op belong to its left operand's manager
                NDArray denom = Ops.into(tmp, b).sqrt().div((float) Math.sqrt(bc2)).add(eps);
                w.subi(Ops.into(tmp, a).div(denom).muli((float) (lr / bc1)));
            }
            Ops.fill(g, 0f);
            g.close(); // getGradient() hands out a new handle each call; free it or it piles up in the parameter's manager
        }
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m1.forEach((k, v) -> out.put("m." + k, v));
        m2.forEach((k, v) -> out.put("v." + k, v));
        steps.forEach((k, v) -> {
            NDArray t = stepArrays.computeIfAbsent(k, x -> manager.zeros(new ai.djl.ndarray.types.Shape(1)));
            Ops.fill(t, v);
            out.put("t." + k, t);
        });
        return out;
    }

    @Override
    public void load(Map<String, NDArray> state) {
        m1.clear();
        m2.clear();
        steps.clear();
        state.forEach((k, v) -> {
            if (k.startsWith("m.")) {
                m1.put(k.substring(2), own(v));
            } else if (k.startsWith("v.")) {
                m2.put(k.substring(2), own(v));
            } else if (k.startsWith("t.")) {
                steps.put(k.substring(2), Math.round(v.toFloatArray()[0]));
            }
        });
    }

    private NDArray own(NDArray v) {
        NDArray c = v.duplicate();
        c.attach(manager);
        return c;
    }
}
