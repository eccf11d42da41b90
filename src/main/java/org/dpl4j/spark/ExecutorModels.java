package org.dpl4j.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.dpl4j.model.ClipModel;

/**
 * The CLIP models of one executor JVM, loaded once and reused by its tasks. A task borrows a model
 * for itself, as {@code dpl4j run} has one per process: a model is never used by two tasks at once,
 * so an executor with {@code k} task slots holds at most {@code k} copies of the frozen weights.
 */
final class ExecutorModels {
    private static final Map<String, Deque<ClipModel>> FREE = new HashMap<>();

    private ExecutorModels() {}

    /** A model for one task; hand it back with {@link #giveBack}. */
    static synchronized ClipModel borrow(Work w) throws IOException {
        ClipModel m = FREE.computeIfAbsent(key(w), k -> new ArrayDeque<>()).poll();
        if (m != null) {
            return m;
        }
        // its manager lives as long as the executor: the weights outlive every task
        NDManager base = NDManager.newBaseManager(device(w.device()));
        return ClipModel.load(Path.of(w.model()), w.clipConfig(), base);
    }

    static synchronized void giveBack(Work w, ClipModel m) {
        FREE.get(key(w)).push(m);
    }

    static Device device(String name) {
        return name.equalsIgnoreCase("gpu") || name.equalsIgnoreCase("cuda") ? Device.gpu() : Device.cpu();
    }

    private static String key(Work w) {
        return w.model() + "\u0000" + w.modelConfig() + "\u0000" + w.device();
    }
}
