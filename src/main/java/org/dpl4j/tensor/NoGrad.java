package org.dpl4j.tensor;

import org.bytedeco.pytorch.NoGradGuard;

/**
 * Autograd off in the current thread until {@link #close} ({@code torch.no_grad()}): what is
 * computed inside records no graph. Guards nest; closing restores the mode that was set before.
 */
public final class NoGrad implements AutoCloseable {
    private final NoGradGuard guard = new NoGradGuard();

    private NoGrad() {}

    public static NoGrad open() {
        return new NoGrad();
    }

    @Override
    public void close() {
        guard.close();
    }
}
