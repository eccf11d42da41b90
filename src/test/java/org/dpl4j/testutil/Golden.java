package org.dpl4j.testutil;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.io.Safetensors;

/** Reads the golden reference tensors of {@code ../shared/golden} and compares results with them. */
public final class Golden {
    private Golden() {}

    public static Map<String, NDArray> tensors(String file, NDManager manager) throws IOException {
        return Safetensors.read(Shared.require("golden/" + file), manager);
    }

    public static Map<String, String> metadata(String file) throws IOException {
        return Safetensors.metadata(Shared.require("golden/" + file));
    }

    public static ClipConfig tinyConfig() throws IOException {
        return new ObjectMapper().readValue(Shared.require("golden/tiny-clip/config.json").toFile(), ClipConfig.class);
    }

    /** Largest absolute element-wise difference (shapes must agree). */
    public static float maxAbsDiff(NDArray actual, NDArray expected) {
        if (!actual.getShape().equals(expected.getShape())) {
            throw new AssertionError("shape " + actual.getShape() + " != expected " + expected.getShape());
        }
        return actual.sub(expected).abs().max().getFloat();
    }

    /** max |a - e| / max(max |e|, tiny): the relative error used for gradients. */
    public static float maxRelDiff(NDArray actual, NDArray expected) {
        float scale = Math.max(expected.abs().max().getFloat(), 1e-12f);
        return maxAbsDiff(actual, expected) / scale;
    }

    public static long[][] tokens(NDArray t) {
        long[] flat = t.toLongArray();
        int n = (int) t.getShape().get(0);
        int len = (int) t.getShape().get(1);
        long[][] out = new long[n][len];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * len, out[i], 0, len);
        }
        return out;
    }
}
