package org.dpl4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.tensor.Placement;

/**
 * The CLIP models of one executor JVM, loaded once and shared by all its tasks, also those that run
 * at the same time: the weights are frozen (nothing writes them, nothing records gradients into
 * them) and libtorch's autograd state is per thread, so one copy of the weights serves every task
 * slot. The models live as long as the executor.
 */
final class ExecutorModels {
    private static final Map<String, ClipModel> LOADED = new HashMap<>();

    private ExecutorModels() {}

    /** The model {@code w} names, on the placement it asks for; loaded by the first task that needs it. */
    static synchronized ClipModel get(Work w) throws IOException {
        Placement placement = w.placement();
        String key = w.model() + "\u0000" + w.modelConfig() + "\u0000" + placement;
        ClipModel m = LOADED.get(key);
        if (m == null) {
            m = ClipLoader.load(Path.of(w.model()), w.clipConfig(), placement);
            LOADED.put(key, m);
        }
        return m;
    }
}
