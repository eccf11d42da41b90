package org.dpl4j.tensor;

import java.util.Iterator;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * A per-step memory scope: every tensor (and other native object) created on this thread while
 * the scope is open is released when it closes, unless {@link #keep kept}. Releasing a tensor
 * handle only drops one reference to libtorch's refcounted storage, so autograd, views and other
 * handles keep what they still need; nothing here can free memory that is still in use.
 *
 * <p>Scopes nest per thread, like JavaCPP's {@link PointerScope} they wrap.
 */
public final class Scope implements AutoCloseable {
    private final PointerScope scope;

    private Scope() {
        this.scope = new PointerScope();
    }

    public static Scope open() {
        return new Scope();
    }

    /**
     * Lets {@code p} outlive this scope: it joins the enclosing scope of this thread, or, when there
     * is none, stays alive until its owner closes it (or the garbage collector finds it unreachable).
     */
    public <P extends Pointer> P keep(P p) {
        PointerScope outer = enclosing();
        if (outer != null) {
            outer.attach(p);
        } else {
            p.retainReference();
        }
        return p;
    }

    private PointerScope enclosing() {
        Iterator<PointerScope> it = PointerScope.getScopeIterator();
        boolean seen = false;
        while (it != null && it.hasNext()) {
            PointerScope s = it.next();
            if (seen) {
                return s;
            }
            seen = s == scope;
        }
        return null;
    }

    /**
     * Leaves this thread's scope stack but keeps everything made in the scope until {@link #release()}:
     * for an object that outlives the call that built it and cannot name each of its tensors (a
     * scorer closure that captures what it precomputed).
     */
    public Scope detach() {
        scope.extend();
        scope.close();
        return this;
    }

    /** Frees what a {@link #detach() detached} scope kept. */
    public void release() {
        scope.deallocate();
    }

    @Override
    public void close() {
        scope.close();
    }
}
