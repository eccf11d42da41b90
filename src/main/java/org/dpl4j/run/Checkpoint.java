package org.dpl4j.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.io.Safetensors;

/**
 * Parameters and optimiser state at the end of an epoch, in one atomically written safetensors
 * file: tensors {@code param.<name>}, {@code opt.<optimiser>.<name>} and {@code state.<state>.<name>}
 * (other per-epoch state, such as GPA's running sum; absent from checkpoints of runs that keep none,
 * which is every run made before it existed), metadata {@code epoch}.
 */
public record Checkpoint(int epoch, Map<String, Tensor> params, Map<String, Map<String, Tensor>> optimizers,
        Map<String, Map<String, Tensor>> states, Map<String, String> extra) {

    public Checkpoint(int epoch, Map<String, Tensor> params, Map<String, Map<String, Tensor>> optimizers) {
        this(epoch, params, optimizers, Map.of(), Map.of());
    }

    public Checkpoint(int epoch, Map<String, Tensor> params, Map<String, Map<String, Tensor>> optimizers,
            Map<String, String> extra) {
        this(epoch, params, optimizers, Map.of(), extra);
    }

    public void save(Path file) throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        params.forEach((k, v) -> all.put("param." + k, v));
        optimizers.forEach((opt, state) -> state.forEach((k, v) -> all.put("opt." + opt + "." + k, v)));
        states.forEach((name, state) -> state.forEach((k, v) -> all.put("state." + name + "." + k, v)));
        Map<String, String> meta = new LinkedHashMap<>(extra);
        meta.put("epoch", Integer.toString(epoch));
        Safetensors.write(file, all, meta);
    }

    /** CPU tensors in the caller's scope. */
    public static Checkpoint load(Path file) throws IOException {
        Map<String, String> meta = Safetensors.metadata(file);
        if (!meta.containsKey("epoch")) {
            throw new IOException(file + ": not a dpl4j checkpoint (no epoch in its metadata)");
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Map<String, Tensor>> opts = new LinkedHashMap<>();
        Map<String, Map<String, Tensor>> states = new LinkedHashMap<>();
        Safetensors.read(file).forEach((k, v) -> {
            if (k.startsWith("param.")) {
                params.put(k.substring(6), v);
            } else if (k.startsWith("opt.")) {
                group(opts, k.substring(4), v);
            } else if (k.startsWith("state.")) {
                group(states, k.substring(6), v);
            }
        });
        return new Checkpoint(Integer.parseInt(meta.get("epoch")), params, opts, states, meta);
    }

    /** {@code "<group>.<name>"} → {@code groups[group][name]}. */
    private static void group(Map<String, Map<String, Tensor>> groups, String key, Tensor v) {
        int dot = key.indexOf('.');
        groups.computeIfAbsent(key.substring(0, dot), x -> new LinkedHashMap<>()).put(key.substring(dot + 1), v);
    }

    /** Copies checkpointed values into live parameters (names must match). */
    public void restoreInto(Map<String, Tensor> live, String what) {
        for (Map.Entry<String, Tensor> e : live.entrySet()) {
            Tensor saved = params.get(e.getKey());
            if (saved == null || !Shape.of(saved).equals(Shape.of(e.getValue()))) {
                throw new IllegalStateException("checkpoint does not match this run's " + what + ": tensor " + e.getKey()
                        + (saved == null ? " is missing" : " has shape " + Shape.of(saved)));
            }
            Tensors.copyInto(e.getValue(), saved); // in place, onto the live tensor's device
        }
    }
}
