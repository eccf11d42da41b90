package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dpl4j run} end to end on the golden tiny CLIP and the bundled demo Oxford Pets (3 classes,
 * 2 shots, 1 epoch per stage, zero-shot CLIP as the baseline): which stages ran and where, results.json and the printed table
 * against the metrics.json of the runs they summarise, a re-run that redoes nothing, the
 * base-to-new protocol, and {@code eval} on the run's own test split, its new classes and another
 * dataset (cross-dataset transfer to the demo Fashion-MNIST folder).
 */
class RunPipelineTest {
    private static final Path DEMO = Path.of("demo-data");
    private static final List<String> METHODS = List.of("zeroshot", "dpl");
    private static final List<Long> SEEDS = List.of(1L, 2L);

    @TempDir
    static Path tmp;
    static Path out;
    static Path baseOut;
    static Cli.Result first;

    private static String[] pipeline(Path dir, String seeds, String baselines, String subsample) {
        return new String[] {"run", "-q", "--model", Shared.require("golden/tiny-clip").toString(),
            "--datasets", "oxford_pets", "--root", DEMO.toString(), "--shots", "2", "--seeds", seeds,
            "--baselines", baselines, "--subsample", subsample, "--epochs", "1", "--lr", "0.01", "--text-input", "default",
            "--search-epochs", "1", "--candidates", "0,1", "--workers", "1", "--out", dir.toString()};
    }

    @BeforeAll
    static void runPipelines() {
        out = tmp.resolve("all");
        first = Cli.run(pipeline(out, "1,2", "zeroshot", "all"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        baseOut = tmp.resolve("base");
        Cli.Result base = Cli.run(pipeline(baseOut, "1", "zeroshot", "base"));
        assertThat(base.exitCode()).as(base.err()).isZero();
    }

    private static JsonNode json(Path file) throws IOException {
        return Json.PRETTY.readTree(file.toFile());
    }

    private static Path stage(Path root, long seed, String name) {
        return root.resolve("oxford_pets").resolve("seed" + seed).resolve(name);
    }

    private static double testTop1(long seed, String method) throws IOException {
        return json(stage(out, seed, method).resolve(RunDirectory.FINAL)).path("test").path("top1").asDouble();
    }

    /** Every folder under {@code root} holding a run.json, relative to root. */
    private static Set<String> runDirs(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return new TreeSet<>(s.filter(p -> p.getFileName().toString().equals(RunDirectory.RUN))
                    .map(p -> root.relativize(p.getParent()).toString()).toList());
        }
    }

    @Test
    void everyStageOfEverySeedRanOnceInItsOwnFinishedRunDirectory() throws IOException {
        Set<String> expected = new TreeSet<>();
        for (long seed : SEEDS) {
            for (String name : List.of("zeroshot", "search", "dpl")) {
                expected.add("oxford_pets/seed" + seed + "/" + name);
            }
        }
        assertThat(runDirs(out)).isEqualTo(expected);
        for (long seed : SEEDS) {
            for (String name : List.of("zeroshot", "search", "dpl")) {
                Path dir = stage(out, seed, name);
                JsonNode info = json(dir.resolve(RunDirectory.RUN));
                assertThat(dir.resolve(RunDirectory.FINAL)).as(dir.toString()).exists();
                assertThat(info.path("kind").asText()).isEqualTo(name.equals("dpl") ? "train" : name);
                assertThat(info.path("method").asText()).isEqualTo(name.equals("search") ? "dpl" : name);
                assertThat(info.path("seed").asLong()).isEqualTo(seed);
                assertThat(info.path("shots").asInt()).isEqualTo(2);
                if (name.equals("zeroshot")) {
                    // zero-shot CLIP: CLIP's text features of CoOp's hand-crafted template, not the --text-input
                    assertThat(info.path("settings").path("templates"))
                            .isEqualTo(Json.PRETTY.valueToTree(List.of("a photo of a {}, a type of pet.")));
                    assertThat(info.path("settings").path("textFeatures").asText()).contains("hand-crafted template");
                    assertThat(info.path("promptConfig").isNull()).isTrue();
                } else {
                    assertThat(info.path("settings").path("seed").asLong()).as("the stage's own seed").isEqualTo(seed);
                }
            }
            // the dpl stage trained exactly the layout its seed's search found
            JsonNode searched = json(stage(out, seed, "search").resolve(RunDirectory.PROMPT_CONFIG));
            assertThat(json(stage(out, seed, "dpl").resolve(RunDirectory.RUN)).path("promptConfig")).isEqualTo(searched);
            assertThat(json(stage(out, seed, "search").resolve(RunDirectory.FINAL)).path("config")).isEqualTo(searched);
        }
    }

    @Test
    void resultsJsonAndTheTableSummariseTheRunsMetrics() throws IOException {
        JsonNode results = json(out.resolve("results.json"));
        Map<String, Double> rows = new HashMap<>();
        for (JsonNode r : results.path("rows")) {
            assertThat(r.path("dataset").asText()).isEqualTo("oxford_pets");
            rows.put(r.path("method").asText() + "/" + r.path("seed").asLong(), r.path("top1").asDouble());
        }
        Map<String, Double> expectedRows = new HashMap<>();
        for (String m : METHODS) {
            for (long seed : SEEDS) {
                expectedRows.put(m + "/" + seed, testTop1(seed, m));
            }
        }
        assertThat(rows).isEqualTo(expectedRows);

        // mean ± 95 % CI over the seeds, 1.96·σ/√n with the population σ (README, reference parse script)
        Map<String, double[]> cells = new LinkedHashMap<>();
        for (String m : METHODS) {
            double a = testTop1(1, m);
            double b = testTop1(2, m);
            double mean = (a + b) / 2;
            double sigma = Math.sqrt(((a - mean) * (a - mean) + (b - mean) * (b - mean)) / 2);
            cells.put(m, new double[] {mean, 1.96 * sigma / Math.sqrt(2)});
        }
        assertThat(cells.get("dpl")[1]).as("the seeds' dpl runs differ, so the CI is checked for real").isPositive();
        List<String> summaryMethods = new ArrayList<>();
        for (JsonNode c : results.path("summary")) {
            String m = c.path("method").asText();
            summaryMethods.add(m);
            assertThat(c.path("seeds").asInt()).isEqualTo(2);
            assertThat(c.path("mean").asDouble()).as(m).isCloseTo(cells.get(m)[0], within(1e-9));
            assertThat(c.path("ci95").asDouble()).as(m).isCloseTo(cells.get(m)[1], within(1e-9));
        }
        assertThat(summaryMethods).containsExactlyInAnyOrderElementsOf(METHODS);

        // the printed table is the one written beside results.json, with the same numbers to 2 decimals
        String table = Files.readString(out.resolve("results.txt"));
        assertThat(first.out()).isEqualTo(table);
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(2);
        List<String> header = List.of(lines.get(0).trim().split("\\s+"));
        assertThat(header.get(0)).isEqualTo("dataset");
        assertThat(header.subList(1, header.size())).containsExactlyInAnyOrderElementsOf(METHODS);
        assertThat(lines.get(1)).startsWith("oxford_pets ");
        Matcher cell = Pattern.compile("(\\d+\\.\\d\\d) ± (\\d+\\.\\d\\d)").matcher(lines.get(1));
        for (String m : header.subList(1, header.size())) {
            assertThat(cell.find()).as("a mean ± CI cell for " + m).isTrue();
            assertThat(Double.parseDouble(cell.group(1))).as(m + " mean").isCloseTo(cells.get(m)[0], within(0.005 + 1e-9));
            assertThat(Double.parseDouble(cell.group(2))).as(m + " CI").isCloseTo(cells.get(m)[1], within(0.005 + 1e-9));
        }
        assertThat(cell.find()).isFalse();
    }

    @Test
    void runningTheSameCommandAgainRedoesNothing() throws IOException {
        Map<Path, Long> written = new HashMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path f : s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("results.")).toList()) {
                written.put(f, Files.getLastModifiedTime(f).toMillis());
            }
        }
        Cli.Result again = Cli.run(pipeline(out, "1,2", "zeroshot", "all"));
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo(first.out());
        for (Map.Entry<Path, Long> e : written.entrySet()) {
            assertThat(Files.getLastModifiedTime(e.getKey()).toMillis()).as("rewritten: " + e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(runDirs(out)).hasSize(6);
    }

    @Test
    void baseToNewEvaluatesTheNewClassesAndTheirHarmonicMean() throws IOException {
        assertThat(runDirs(baseOut)).containsExactlyInAnyOrder("oxford_pets/seed1/zeroshot", "oxford_pets/seed1/search",
                "oxford_pets/seed1/dpl");
        // the demo's classes are abyssinian, american bulldog, bengal: the first ⌈3/2⌉ are base
        assertThat(json(stage(baseOut, 1, "search").resolve(RunDirectory.RUN)).path("classNames"))
                .isEqualTo(Json.PRETTY.valueToTree(List.of("abyssinian", "american bulldog")));
        for (String m : List.of("zeroshot", "dpl")) {
            JsonNode metrics = json(stage(baseOut, 1, m).resolve(RunDirectory.FINAL));
            JsonNode base = metrics.path("test");
            JsonNode novel = metrics.path("new");
            assertThat(fieldNames(base.path("perClass"))).containsExactly("abyssinian", "american bulldog");
            assertThat(fieldNames(novel.path("perClass"))).containsExactly("bengal");
            assertThat(base.path("images").asInt()).isEqualTo(48);
            assertThat(novel.path("images").asInt()).isEqualTo(24);
            double a = base.path("top1").asDouble();
            double b = novel.path("top1").asDouble();
            assertThat(a + b).as(m + ": a harmonic mean of two zeros would test nothing").isPositive();
            assertThat(metrics.path("harmonicMean").asDouble()).as(m).isCloseTo(2 * a * b / (a + b), within(1e-9));
        }
        // eval on the new classes reproduces the number the run recorded
        Path dpl = stage(baseOut, 1, "dpl");
        Cli.Result r = Cli.run("eval", "-q", "--run", dpl.toString(), "--subsample", "new");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Json.PRETTY.readTree(r.out()).path("result"))
                .isEqualTo(json(dpl.resolve(RunDirectory.FINAL)).path("new"));
    }

    @Test
    void evalReproducesTheTestMetricsAndTransfersToAnotherDataset() throws IOException {
        Path dpl = stage(out, 1, "dpl");
        Cli.Result own = Cli.run("eval", "-q", "--run", dpl.toString());
        assertThat(own.exitCode()).as(own.err()).isZero();
        assertThat(Json.PRETTY.readTree(own.out()).path("result")).isEqualTo(json(dpl.resolve(RunDirectory.FINAL)).path("test"));

        Path fashion = DEMO.resolve("fashion_mnist");
        Cli.Result cross = Cli.run("eval", "-q", "--run", dpl.toString(), "--dataset", "imagefolder", "--root", fashion.toString());
        assertThat(cross.exitCode()).as(cross.err()).isZero();
        JsonNode printed = Json.PRETTY.readTree(cross.out());
        assertThat(printed.path("dataset").asText()).isEqualTo("fashion_mnist");
        JsonNode result = printed.path("result");
        List<String> classes;
        try (Stream<Path> s = Files.list(fashion.resolve("test"))) {
            classes = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        long images;
        try (Stream<Path> s = Files.walk(fashion.resolve("test"))) {
            images = s.filter(Files::isRegularFile).count();
        }
        assertThat(fieldNames(result.path("perClass"))).containsExactlyInAnyOrderElementsOf(classes);
        assertThat(result.path("images").asLong()).isEqualTo(images);
        double macro = 0;
        for (JsonNode acc : result.path("perClass")) {
            macro += acc.asDouble() / classes.size();
        }
        assertThat(result.path("macro").asDouble()).isCloseTo(macro, within(1e-9));
        // every class has the same number of test images, so top-1 equals the mean over classes
        assertThat(result.path("top1").asDouble()).isCloseTo(macro, within(1e-9));
        assertThat(json(dpl.resolve("eval-fashion_mnist-all.json"))).isEqualTo(printed);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
