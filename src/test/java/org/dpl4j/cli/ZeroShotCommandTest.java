package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dpl4j.cli.EmbedCommandTest.assertOneLineError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dpl4j zeroshot} on a 3-class × 4-image folder copied from the shared Oxford Pets images,
 * with the golden tiny CLIP (random weights: accuracies are meaningless, their bookkeeping is not).
 */
class ZeroShotCommandTest {
    static final List<String> FOLDERS = List.of("Abyssinian", "Bengal", "american_bulldog");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path pets;
    String model;

    @BeforeEach
    void imageFolder() throws IOException {
        Path images = Shared.require("datasets/oxford_pets/images");
        model = Shared.require("golden/tiny-clip").toString();
        pets = tmp.resolve("pets");
        for (String folder : FOLDERS) {
            Files.createDirectories(pets.resolve(folder));
            try (Stream<Path> s = Files.list(images)) {
                List<Path> four = s.filter(p -> p.getFileName().toString().matches(folder + "_\\d+\\.jpg"))
                        .sorted().limit(4).toList();
                assertThat(four).hasSize(4);
                for (Path p : four) {
                    Files.copy(p, pets.resolve(folder).resolve(p.getFileName()));
                }
            }
        }
    }

    @Test
    void jsonHasConsistentCountsPerClass() throws Exception {
        Cli.Result r = Cli.run("zeroshot", "-q", "--model", model, "--data", pets.toString(), "--json", "--batch", "5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("images").asInt()).isEqualTo(12);
        assertThat(j.get("classes").asInt()).isEqualTo(3);
        assertThat(j.get("skipped").asInt()).isZero();
        assertThat(j.get("template_count").asInt()).isEqualTo(1);
        JsonNode perClass = j.get("per_class");
        List<String> keys = new ArrayList<>();
        perClass.fieldNames().forEachRemaining(keys::add);
        // class names are the folder names read for prompts, sorted ignoring case
        assertThat(keys).containsExactly("Abyssinian", "american bulldog", "Bengal");
        int images = 0;
        int correct = 0;
        double macro = 0;
        for (JsonNode c : perClass) {
            assertThat(c.get("images").asInt()).isEqualTo(4);
            assertThat(c.get("correct").asInt()).isBetween(0, 4);
            double acc = c.get("accuracy").asDouble();
            assertThat(acc).isBetween(0.0, 100.0).isCloseTo(100.0 * c.get("correct").asInt() / 4, within());
            images += c.get("images").asInt();
            correct += c.get("correct").asInt();
            macro += acc / 3;
        }
        assertThat(images).isEqualTo(12);
        assertThat(j.get("top1").asDouble()).isBetween(0.0, 100.0).isCloseTo(100.0 * correct / 12, within());
        assertThat(j.get("macro").asDouble()).isCloseTo(macro, within());
    }

    /**
     * Predictions against the golden pipeline from files (golden/embed_cases.safetensors: the five
     * texts of zeroshot.safetensors, whose text features are the same, and six odd images at 32 px):
     * each image is filed under a class, and the counts must be those of the argmax of the golden
     * cosine similarities, computed here in plain Java (the smallest margin is 0.034, far above the
     * 1e-4 to which the image pipeline matches the golden features).
     */
    @Test
    void predictionsAreTheArgmaxOfTheGoldenFeatures() throws Exception {
        Map<String, String> meta = Golden.metadata("embed_cases.safetensors");
        List<String> texts = List.of(JSON.readValue(meta.get("texts"), String[].class));
        List<String> images = List.of(JSON.readValue(meta.get("images"), String[].class));
        String prefix = "a photo of a ";
        assertThat(texts).as("golden texts use the default template")
                .allSatisfy(t -> assertThat(t).startsWith(prefix).endsWith("."));
        List<String> classes = texts.stream().map(t -> t.substring(prefix.length(), t.length() - 1)).toList();
        Path root = tmp.resolve("golden");
        // class → {images, correct}; image i is filed under class i mod 5, so some land where the golden argmax is and some not
        Map<String, int[]> expected = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        try (Scope s = Scope.open()) {
            Map<String, Tensor> golden = Golden.tensors("embed_cases.safetensors");
            float[][] text = rows(Tensors.toFloats(golden.get("text_features")), classes.size());
            for (int i = 0; i < images.size(); i++) {
                String image = images.get(i);
                int label = i % classes.size();
                Path folder = Files.createDirectories(root.resolve(classes.get(label).replace(' ', '_')));
                Files.copy(Shared.require("golden/preprocess/" + image), folder.resolve(image));
                int predicted = argmaxCosine(Tensors.toFloats(golden.get("image:" + image)), text);
                int[] counts = expected.computeIfAbsent(classes.get(label), c -> new int[2]);
                counts[0]++;
                counts[1] += predicted == label ? 1 : 0;
            }
        }
        int correct = expected.values().stream().mapToInt(c -> c[1]).sum();
        assertThat(correct).as("golden hits: neither none nor all, or the check could not tell").isBetween(1, images.size() - 1);

        Cli.Result r = Cli.run("zeroshot", "-q", "--model", model, "--data", root.toString(), "--json", "--batch", "4");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("images").asInt()).isEqualTo(images.size());
        assertThat(j.get("classes").asInt()).isEqualTo(classes.size());
        List<String> keys = new ArrayList<>();
        j.get("per_class").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyElementsOf(expected.keySet());
        double macro = 0;
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            JsonNode c = j.get("per_class").get(e.getKey());
            assertThat(c.get("images").asInt()).as(e.getKey()).isEqualTo(e.getValue()[0]);
            assertThat(c.get("correct").asInt()).as(e.getKey()).isEqualTo(e.getValue()[1]);
            macro += 100.0 * e.getValue()[1] / e.getValue()[0] / expected.size();
        }
        assertThat(j.get("top1").asDouble()).isCloseTo(100.0 * correct / images.size(), within());
        assertThat(j.get("macro").asDouble()).isCloseTo(macro, within());
    }

    private static float[][] rows(float[] flat, int n) {
        float[][] out = new float[n][];
        int len = flat.length / n;
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(flat, i * len, (i + 1) * len);
        }
        return out;
    }

    /** The class whose text feature has the largest cosine with {@code image} (the image's norm does not matter). */
    private static int argmaxCosine(float[] image, float[][] text) {
        int best = -1;
        double bestCos = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < text.length; c++) {
            double dot = 0;
            double norm = 0;
            for (int k = 0; k < image.length; k++) {
                dot += (double) image[k] * text[c][k];
                norm += (double) text[c][k] * text[c][k];
            }
            double cos = dot / Math.sqrt(norm);
            if (cos > bestCos) {
                bestCos = cos;
                best = c;
            }
        }
        return best;
    }

    @Test
    void tableShowsTheSameNumbersAsJson() throws Exception {
        JsonNode j = JSON.readTree(Cli.run("zeroshot", "-q", "--model", model, "--data", pets.toString(), "--json").out());
        Cli.Result r = Cli.run("zeroshot", "-q", "--model", model, "--data", pets.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "top-1      %.2f%%", j.get("top1").asDouble()));
        List<String> rows = r.out().lines().dropWhile(l -> !l.startsWith("class ")).skip(1).toList();
        assertThat(rows).hasSize(3);
        int i = 0;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) j.get("per_class")::fields) {
            assertThat(rows.get(i++)).matches(e.getKey() + "\\s+4\\s+" + e.getValue().get("correct").asInt() + "\\s+"
                    + String.format(java.util.Locale.ROOT, "%.2f", e.getValue().get("accuracy").asDouble()) + "%");
        }
    }

    @Test
    void ensembleUsesAllSixtyTemplates() throws Exception {
        Cli.Result r = Cli.run("zeroshot", "-q", "--model", model, "--data", pets.toString(), "--json",
                "--templates", "ensemble");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("templates").asText()).isEqualTo("ensemble");
        assertThat(j.get("template_count").asInt()).isEqualTo(60);
        assertThat(j.get("images").asInt()).isEqualTo(12);
    }

    @Test
    void badImageStopsWithOneLineOrIsSkipped() throws Exception {
        Path bad = Files.writeString(pets.resolve("Bengal/broken.jpg"), "not a jpeg\n");
        Cli.Result stop = Cli.run("zeroshot", "-q", "--model", model, "--data", pets.toString(), "--json");
        assertOneLineError(stop, bad.toString());
        assertThat(stop.errLines().get(0)).contains("--skip-bad-images");

        Cli.Result skip = Cli.run("zeroshot", "-q", "--model", model, "--data", pets.toString(), "--json",
                "--skip-bad-images");
        assertThat(skip.exitCode()).as(skip.err()).isZero();
        JsonNode j = JSON.readTree(skip.out());
        assertThat(j.get("skipped").asInt()).isEqualTo(1);
        assertThat(j.get("images").asInt()).isEqualTo(12);
        assertThat(j.get("per_class").get("Bengal").get("images").asInt()).isEqualTo(4);
    }

    @Test
    void coopDatasetTestSplit() throws Exception {
        Path root = Shared.require("datasets");
        Path split = Shared.require("datasets/oxford_pets/split_zhou_OxfordPets.json");
        Cli.Result r = Cli.run("zeroshot", "-q", "--model", model, "--dataset", "OxfordPets", "--root", root.toString(),
                "--json", "--templates", "custom", "--batch", "64");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        // the split file's test entries per class (CoOp prompts replace underscores in class names by spaces)
        Map<String, Integer> expected = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (JsonNode e : JSON.readTree(split.toFile()).get("test")) {
            expected.merge(e.get(2).asText().replace('_', ' '), 1, Integer::sum);
        }
        Map<String, Integer> got = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        j.get("per_class").fields().forEachRemaining(e -> got.put(e.getKey(), e.getValue().get("images").asInt()));
        assertThat(got).isEqualTo(expected);
        assertThat(j.get("images").asInt()).isEqualTo(expected.values().stream().mapToInt(Integer::intValue).sum());
        assertThat(j.get("data").asText()).startsWith("OxfordPets test split");
    }

    @Test
    void missingModelIsOneLine() {
        Path missing = tmp.resolve("no-such-model.safetensors");
        assertOneLineError(Cli.run("zeroshot", "--model", missing.toString(), "--data", pets.toString()), missing.toString());
    }

    @Test
    void textFileAsModelIsOneLine() throws IOException {
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "not weights\n");
        assertOneLineError(Cli.run("zeroshot", "--model", notes.toString(), "--data", pets.toString()), notes.toString());
    }

    @Test
    void textFileNamedSafetensorsIsOneLine() throws IOException {
        Path fake = Files.writeString(tmp.resolve("model.safetensors"), "still not weights\n");
        assertOneLineError(Cli.run("zeroshot", "--model", fake.toString(), "--data", pets.toString()), fake.toString());
    }

    @Test
    void missingDataFolderIsOneLine() {
        Path missing = tmp.resolve("no-images-here");
        assertOneLineError(Cli.run("zeroshot", "--model", model, "--data", missing.toString()), missing.toString());
    }

    @Test
    void unknownTemplatesValueIsOneLine() {
        assertOneLineError(Cli.run("zeroshot", "--model", model, "--data", pets.toString(), "--templates", "fancy"),
                "'fancy'");
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}
