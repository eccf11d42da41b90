package org.dpl4j.prompts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.dpl4j.model.Ops;
import org.dpl4j.model.io.Safetensors;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * The named learnable tensors of a baseline method (CoCoOp, MaPLe): fp32 leaves on the model's
 * device, owned by this object, named as in the official code so checkpoints and the golden files
 * share one vocabulary.
 */
final class LearnedTensors implements AutoCloseable {
    /** Safetensors metadata key naming the method that wrote a prompts file. */
    static final String LEARNER = "learner";

    private final Owned owned = new Owned();
    private final Device device;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    LearnedTensors(Device device) {
        this.device = device;
    }

    Tensor add(String name, float[] values, Shape shape) {
        Tensor a = owned.own(Tensors.floats(values, device, shape.dims()).set_requires_grad(true));
        tensors.put(name, a);
        return a;
    }

    /** An fp32 copy of {@code values} on this device, made on the device where they already are. */
    Tensor add(String name, Tensor values) {
        Tensor a = owned.own(values.detach().to(device, ScalarType.Float).clone().set_requires_grad(true));
        tensors.put(name, a);
        return a;
    }

    /** A copy of {@code source}[name], which must have {@code shape}; fails naming the tensor otherwise. */
    Tensor copy(Map<String, Tensor> source, String name, Shape shape, String method) {
        Tensor t = source.get(name);
        if (t == null) {
            throw new IllegalArgumentException(method + " prompts: tensor '" + name + "' is missing");
        }
        if (!Shape.of(t).equals(shape)) {
            throw new IllegalArgumentException(method + " prompts: tensor '" + name + "' has shape " + Shape.of(t)
                    + ", expected " + shape);
        }
        return add(name, t);
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

    Tensor get(String name) {
        return tensors.get(name);
    }

    Map<String, Tensor> all() {
        return Collections.unmodifiableMap(tensors);
    }

    /** {@code x Wᵀ + b} of the Linear {@code name}, in fp32 (the result goes to the caller's scope). */
    Tensor linear(String name, Tensor x) {
        return Ops.fp32(x).matmul(get(name + ".weight").t()).add(get(name + ".bias"));
    }

    void save(Path file, String method, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(LEARNER, method);
        meta.putAll(extra);
        Safetensors.write(file, tensors, meta);
    }

    @Override
    public void close() {
        owned.close();
    }
}
