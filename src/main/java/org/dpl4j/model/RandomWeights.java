package org.dpl4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * Randomly initialised CLIP weights of any dimensions (as open_clip initialises a fresh model:
 * normal weights scaled by width, unit LayerNorms), used by the benchmark, tests and pre-training.
 */
public final class RandomWeights {
    private RandomWeights() {}

    /** fp32 CPU tensors; the caller owns them (a {@link ClipModel} made {@link ClipModel#of of} them does). */
    public static Map<String, Tensor> create(ClipConfig cfg, long seed) {
        java.util.Random rng = new java.util.Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : WeightSchema.expected(cfg).entrySet()) {
            String name = e.getKey();
            Shape s = e.getValue();
            Tensor a;
            if (name.equals("logit_scale")) {
                a = Tensors.floats(new float[] {(float) Math.log(1 / 0.07)}); // CPU: the caller places the weights
            } else if (name.contains("ln_") && name.endsWith(".weight")) {
                a = Tensors.ones(null, s.dims()); // CPU: the caller places the weights
            } else if (name.endsWith(".bias")) {
                a = Tensors.zeros(null, s.dims()); // CPU: the caller places the weights
            } else {
                long fanIn = s.dimension() >= 2 ? s.size() / s.get(0) : s.get(0);
                double std = name.contains("embedding") && !name.contains("positional") ? 0.02
                        : name.contains("positional") ? 0.01 : 1.0 / Math.sqrt(fanIn);
                float[] v = new float[(int) s.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rng.nextGaussian() * std);
                }
                a = Tensors.floats(v, s.dims()); // CPU: the caller places the weights
            }
            out.put(name, a);
        }
        return out;
    }

    public static ClipModel model(ClipConfig cfg, long seed) {
        return ClipModel.of(new ClipWeights(cfg, create(cfg, seed), null, null));
    }
}
