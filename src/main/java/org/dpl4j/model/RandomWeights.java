package org.dpl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpl4j.model.io.WeightSchema;

/**
 * Randomly initialised CLIP weights of any dimensions (as open_clip initialises a fresh model:
 * normal weights scaled by width, unit LayerNorms), used by the benchmark, tests and pre-training.
 */
public final class RandomWeights {
    private RandomWeights() {}

    public static Map<String, NDArray> create(ClipConfig cfg, NDManager manager, long seed) {
        java.util.Random rng = new java.util.Random(seed);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : WeightSchema.expected(cfg).entrySet()) {
            String name = e.getKey();
            Shape s = e.getValue();
            NDArray a;
            if (name.equals("logit_scale")) {
                a = manager.create((float) Math.log(1 / 0.07));
            } else if (name.contains("ln_") && name.endsWith(".weight")) {
                a = manager.ones(s);
            } else if (name.endsWith(".bias")) {
                a = manager.zeros(s);
            } else {
                long fanIn = s.dimension() >= 2 ? s.size() / s.get(0) : s.get(0);
                double std = name.contains("embedding") && !name.contains("positional") ? 0.02
                        : name.contains("positional") ? 0.01 : 1.0 / Math.sqrt(fanIn);
                float[] v = new float[(int) s.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rng.nextGaussian() * std);
                }
                a = manager.create(v, s);
            }
            out.put(name, a);
        }
        return out;
    }

    public static ClipModel model(ClipConfig cfg, NDManager parent, long seed) {
        NDManager m = parent.newSubManager();
        return ClipModel.of(m, new ClipWeights(cfg, create(cfg, m, seed), null, null));
    }
}
