package org.dpl4j.prompts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.dpl4j.model.Ops;
import org.dpl4j.model.io.Safetensors;

/**
 * The named learnable tensors of a baseline method (CoCoOp, MaPLe), in a manager of their own,
 * named as in the official code so checkpoints and the golden files share one vocabulary.
 */
final class LearnedTensors implements AutoCloseable {
    /** Safetensors metadata key naming the method that wrote a prompts file. */
    static final String LEARNER = "learner";

    private final NDManager manager;
    private final Map<String, NDArray> tensors = new LinkedHashMap<>();

    LearnedTensors(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    NDArray add(String name, float[] values, Shape shape) {
        NDArray a = manager.create(values, shape);
        a.setRequiresGradient(true);
        tensors.put(name, a);
        return a;
    }

    /** A copy of {@code source}[name], which must have {@code shape}; fails naming the tensor otherwise. */
    NDArray copy(Map<String, NDArray> source, String name, Shape shape, String method) {
        NDArray t = source.get(name);
        if (t == null) {
            throw new IllegalArgumentException(method + " prompts: tensor '" + name + "' is missing");
        }
        if (!t.getShape().equals(shape)) {
            throw new IllegalArgumentException(method + " prompts: tensor '" + name + "' has shape " + t.getShape()
                    + ", expected " + shape);
        }
        return add(name, t.toType(DataType.FLOAT32, true).toFloatArray(), shape);
    }

    /** PyTorch's default {@code nn.Linear} initialisation: weight and bias uniform in ±1/√in. */
    void linear(String name, int in, int out, Random rng) {
        double bound = 1.0 / Math.sqrt(in);
        add(name + ".weight", uniform(out * in, bound, rng), new Shape(out, in));
        add(name + ".bias", uniform(out, bound, rng), new Shape(out));
    }

    private static float[] uniform(int n, double bound, Random rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    static float[] gaussian(int n, double std, Random rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return v;
    }

    NDArray get(String name) {
        return tensors.get(name);
    }

    Map<String, NDArray> all() {
        return Collections.unmodifiableMap(tensors);
    }

    /** {@code x Wᵀ + b} of the Linear {@code name}; x must live in the step's scope (results follow it). */
    NDArray linear(String name, NDArray x) {
        NDManager scope = x.getManager();
        return x.matMul(Ops.into(scope, get(name + ".weight")).transpose()).add(Ops.into(scope, get(name + ".bias")));
    }

    void save(Path file, String method, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(LEARNER, method);
        meta.putAll(extra);
        Safetensors.write(file, tensors, meta);
    }

    @Override
    public void close() {
        manager.close();
    }
}
