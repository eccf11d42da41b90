package org.dpl4j.tensor;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * Long-lived native objects (frozen weights, learnable prompts, optimiser state) that belong to
 * one Java owner rather than to a step's {@link Scope}: {@link #own} takes a reference, so the
 * object survives any scope it was made in, and {@link #close} gives every reference back.
 */
public final class Owned implements AutoCloseable {
    private final List<Pointer> pointers = new ArrayList<>();
    private boolean closed;

    public synchronized <P extends Pointer> P own(P p) {
        if (closed) {
            throw new IllegalStateException("already closed");
        }
        p.retainReference();
        pointers.add(p);
        return p;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = pointers.size() - 1; i >= 0; i--) {
            pointers.get(i).releaseReference();
        }
        pointers.clear();
    }
}
