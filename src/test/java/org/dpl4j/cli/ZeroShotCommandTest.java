package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dpl4j.cli.EmbedCommandTest.assertOneLineError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
        Shared.require("datasets/oxford_pets/split_zhou_OxfordPets.json");
        Cli.Result r = Cli.run("zeroshot", "-q", "--model", model, "--dataset", "OxfordPets", "--root", root.toString(),
                "--json", "--templates", "custom", "--batch", "64");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        int sum = 0;
        for (JsonNode c : j.get("per_class")) {
            sum += c.get("images").asInt();
        }
        assertThat(j.get("images").asInt()).isEqualTo(sum).isPositive();
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
