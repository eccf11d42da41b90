package org.dpl4j.training.optim;

import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.dpl4j.tensor.Owned;

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
        try (NoGradGuard g = new NoGradGuard()) {
            return t.detach().to(ScalarType.Float).clone();
        }
    }

    /**
     * The state tensor {@code name} on {@code w}'s device. State restored from a checkpoint is
     * read onto the CPU; it moves to the parameter's device once, at its first step.
     */
    static Tensor onDeviceOf(Map<String, Tensor> state, String name, Tensor w, Owned owned) {
        Tensor s = state.get(name);
        if (!s.device().equals(w.device())) {
            s = owned.own(s.to(w.device(), ScalarType.Float));
            state.put(name, s);
        }
        return s;
    }
}
