package org.dpl4j.testutil;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.dpl4j.model.ClipConfig;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.io.Safetensors;

/** Reads the golden reference tensors of {@code ../shared/golden} and compares results with them. */
public final class Golden {
    private Golden() {}

    public static Map<String, Tensor> tensors(String file) throws IOException {
        return Safetensors.read(Shared.require("golden/" + file));
    }

    public static Map<String, String> metadata(String file) throws IOException {
        return Safetensors.metadata(Shared.require("golden/" + file));
    }

    public static ClipConfig tinyConfig() throws IOException {
        return new ObjectMapper().readValue(Shared.require("golden/tiny-clip/config.json").toFile(), ClipConfig.class);
    }

    /** Largest absolute element-wise difference (shapes must agree). */
    public static float maxAbsDiff(Tensor actual, Tensor expected) {
        if (!Shape.of(actual).equals(Shape.of(expected))) {
            throw new AssertionError("shape " + Shape.of(actual) + " != expected " + Shape.of(expected));
        }
        return Tensors.item(Tensors.fp32(actual).sub(expected).abs().max());
    }

    /** max |a - e| / max(max |e|, tiny): the relative error used for gradients. */
    public static float maxRelDiff(Tensor actual, Tensor expected) {
        float scale = Math.max(Tensors.item(expected.abs().max()), 1e-12f);
        return maxAbsDiff(actual, expected) / scale;
    }

    public static long[][] tokens(Tensor t) {
        long[] flat = Tensors.toLongs(t);
        int n = (int) t.size(0);
        int len = (int) t.size(1);
        long[][] out = new long[n][len];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * len, out[i], 0, len);
        }
        return out;
    }
}
