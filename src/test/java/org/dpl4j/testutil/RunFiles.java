package org.dpl4j.testutil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.run.Json;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.io.Safetensors;

/**
 * Compares what two runs wrote, for the resume tests: a resumed run must leave the files of an
 * uninterrupted one, every tensor bit for bit and every metrics field equal, wall-clock timings aside.
 */
public final class RunFiles {
    /**
     * The only fields allowed to differ between two runs of the same seed: {@code seconds} is wall
     * time (an epoch's, or the sum of them), which depends on the machine's load and, after a resume,
     * counts only the resumed part.
     */
    public static final Set<String> WALL_CLOCK = Set.of("seconds");

    private RunFiles() {}

    /** Same tensor names in the same order, and per tensor the same dtype, shape and bytes; same metadata. */
    public static void assertSameTensors(Path expected, Path actual) throws IOException {
        assertThat(Safetensors.metadata(actual)).as("metadata of %s", actual).isEqualTo(Safetensors.metadata(expected));
        try (Scope s = Scope.open()) {
            assertSameTensors(Safetensors.read(expected), Safetensors.read(actual), actual.toString());
        }
    }

    /** As {@link #assertSameTensors(Path, Path)} for tensors in memory; {@code what} names them in failures. */
    public static void assertSameTensors(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertThat(actual.keySet()).as("tensor names of %s", what).containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor want = e.getValue();
            Tensor got = actual.get(e.getKey());
            assertThat(Tensors.dtype(got)).as("dtype of tensor %s in %s", e.getKey(), what).isEqualTo(Tensors.dtype(want));
            assertThat(Shape.of(got)).as("shape of tensor %s in %s", e.getKey(), what).isEqualTo(Shape.of(want));
            int at = Arrays.mismatch(Tensors.toBytes(want), Tensors.toBytes(got));
            if (at >= 0) {
                fail("%s: tensor %s differs from element %d of %d on", what, e.getKey(),
                        at / Math.max(1, want.element_size()), want.numel());
            }
        }
    }

    /** Same number of JSONL lines, and each line equal to the other's once the {@code ignored} fields are dropped. */
    public static void assertSameLines(Path expected, Path actual, Set<String> ignored) throws IOException {
        assertThat(lines(actual, ignored)).as("lines of %s (ignoring %s)", actual, ignored)
                .containsExactlyElementsOf(lines(expected, ignored));
    }

    /** One JSON object equal to the other's once the top-level {@code ignored} fields are dropped. */
    public static void assertSameJson(Path expected, Path actual, Set<String> ignored) throws IOException {
        assertThat(without(Json.LINE.readTree(actual.toFile()), ignored, actual)).as("%s (ignoring %s)", actual, ignored)
                .isEqualTo(without(Json.LINE.readTree(expected.toFile()), ignored, expected));
    }

    /**
     * The {@code k/N} of every log line {@code <prefix>epoch k/N ...}, in order: which epochs a call
     * actually ran (trainers log one such line at each epoch end).
     */
    public static List<String> epochsLogged(List<String> log, String prefix) {
        String start = prefix + "epoch ";
        return log.stream().map(String::strip).filter(l -> l.startsWith(start))
                .map(l -> l.substring(start.length()).split("\\s+")[0]).toList();
    }

    private static List<JsonNode> lines(Path file, Set<String> ignored) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(without(Json.LINE.readTree(line), ignored, file));
            }
        }
        return out;
    }

    private static JsonNode without(JsonNode node, Set<String> ignored, Path file) {
        assertThat(node).as("a JSON object in %s", file).isInstanceOf(ObjectNode.class);
        return ((ObjectNode) node.deepCopy()).remove(ignored);
    }
}
