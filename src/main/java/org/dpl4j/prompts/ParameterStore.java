package org.dpl4j.prompts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.io.Safetensors;

/**
 * The store of a method's learnable tensors: fp32 leaves on the model's device, owned by this
 * object (closed with it), by name in insertion order. Every prompt learner and both supernets keep
 * their parameters here, so adding, copying from a file, initialising and saving are written once.
 * Names follow the official code of each method, so checkpoints and the golden files share one
 * vocabulary.
 */
public final class ParameterStore implements AutoCloseable {
    /** Safetensors metadata key naming the method that wrote a prompts file. */
    public static final String LEARNER = "learner";

    private final Owned owned = new Owned();
    private final Device device;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** @param device where the tensors live (null: the CPU) */
    public ParameterStore(Device device) {
        this.device = device;
    }

    /** A new leaf {@code name} with {@code values} in {@code shape}; a name can be added once. */
    public Tensor add(String name, float[] values, Shape shape) {
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("parameter '" + name + "' added twice");
        }
        Tensor a = owned.own(Tensors.floats(values, device, shape.dims()).set_requires_grad(true));
        tensors.put(name, a);
        return a;
    }

    /**
     * A new leaf {@code name}: an fp32 copy of {@code values} on this store's device, made on the device
     * where they already are (never through the JVM: no round trip on a GPU, and the meta-device test
     * can run it).
     */
    public Tensor add(String name, Tensor values) {
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("parameter '" + name + "' added twice");
        }
        Tensor v = device == null ? Tensors.fp32(values.detach()) : Tensors.fp32(values.detach(), device);
        Tensor a = owned.own(v.clone().set_requires_grad(true));
        tensors.put(name, a);
        return a;
    }

    /**
     * A copy of {@code source}[name], which must have {@code shape}; fails naming the tensor otherwise.
     *
     * @param owner how messages name what is being read ("maple prompts", "supernet")
     */
    public Tensor copy(Map<String, Tensor> source, String name, Shape shape, String owner) {
        Tensor t = source.get(name);
        if (t == null) {
            throw new IllegalArgumentException(owner + ": tensor '" + name + "' is missing");
        }
        if (!Shape.of(t).equals(shape)) {
            throw new IllegalArgumentException(owner + ": tensor '" + name + "' has shape " + Shape.of(t)
                    + ", expected " + shape);
        }
        return add(name, t);
    }

    /** A new Linear {@code name} ({@code .weight}, {@code .bias}) starting equal to the Linear {@code from} (MaPLe deep-copies one). */
    public void linearLike(String name, String from) {
        for (String part : java.util.List.of(".weight", ".bias")) {
            Tensor first = get(from + part);
            add(name + part, first);
        }
    }

    /** PyTorch's default {@code nn.Linear} initialisation: weight and bias uniform in ±1/√in. */
    public void linear(String name, int in, int out, Random rng) {
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

    /** {@code n} draws of N(0, std²). */
    public static float[] gaussian(int n, double std, Random rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return v;
    }

    /** The tensor {@code name}, or null. */
    public Tensor get(String name) {
        return tensors.get(name);
    }

    /** Every tensor by name, in the order added. */
    public Map<String, Tensor> all() {
        return Collections.unmodifiableMap(tensors);
    }

    /** {@code x Wᵀ + b} of the Linear {@code name}, in fp32 (the result goes to the caller's scope). */
    public Tensor linear(String name, Tensor x) {
        return Tensors.fp32(x).matmul(get(name + ".weight").t()).add(get(name + ".bias"));
    }

    /** Writes every tensor to {@code file} (atomically), its metadata naming {@code method} as the {@link #LEARNER}. */
    public void save(Path file, String method, Map<String, String> extra) throws IOException {
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
