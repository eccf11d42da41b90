package org.dpl4j.training.optim;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Tensors;

/** What {@link Sgd} and {@link Adam} share about their state tensors. */
final class OptimState {
    private OptimState() {}

    static Tensor grad(Map<String, Tensor> grads, String name) {
        Tensor g = grads.get(name);
        if (g == null) {
            throw new IllegalArgumentException("no gradient for parameter " + name);
        }
        return g;
    }

    /** A detached fp32 copy, in the caller's scope. */
    static Tensor copy(Tensor t) {
        try (NoGrad g = NoGrad.open()) {
            return Tensors.fp32(t.detach()).clone();
        }
    }

    /**
     * The state tensor {@code name} on {@code w}'s device. State restored from a checkpoint is
     * read onto the CPU; it moves to the parameter's device once, at its first step.
     */
    static Tensor onDeviceOf(Map<String, Tensor> state, String name, Tensor w, Owned owned) {
        Tensor s = state.get(name);
        if (!s.device().equals(w.device())) {
            s = owned.own(Tensors.fp32(s, w.device()));
            state.put(name, s);
        }
        return s;
    }
}
