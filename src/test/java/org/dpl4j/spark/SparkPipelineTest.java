package org.dpl4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.dpl4j.cli.Main;
import org.dpl4j.cli.SparkMain;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunLock;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol as Spark tasks, in local mode with retries ({@code local[2,2]}), on the golden tiny
 * CLIP, 2 datasets × 2 seeds (zero-shot baseline, search, DPL train): the first attempt of one
 * search dies right after its first checkpoint ({@link FaultHook}), Spark retries it and the retry
 * resumes; every file the protocol's result consists of then equals, byte for byte, what a
 * sequential {@code dpl4j run} with the same options wrote.
 */
class SparkPipelineTest {
    private static final String FAULTED = "dtd/seed2/search";

    @TempDir
    static Path tmp;
    static Path sequential;
    static Path spark;
    static Captured seq;
    static Captured onSpark;

    record Captured(int exitCode, String out, String err) {}

    /** Runs a CLI entry point in-process with stdout and stderr captured (Spark's threads print to them too). */
    static synchronized Captured capture(IntSupplier entry) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = entry.getAsInt();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Captured c = new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        oldErr.print(c.err());
        return c;
    }

    /**
     * Two small datasets under one root: the demo Oxford Pets (3 classes) and the shared DTD cut
     * down to its first 3 classes and 8 test images per class (its images linked, not copied).
     */
    static Path datasets(Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("datasets"));
        Files.createSymbolicLink(root.resolve("oxford_pets"), Path.of("demo-data/oxford_pets").toAbsolutePath());
        Path dtd = Shared.require("datasets/dtd");
        Path mine = Files.createDirectories(root.resolve("dtd"));
        Files.createSymbolicLink(mine.resolve("images"), dtd.resolve("images").toAbsolutePath());
        String name = "split_zhou_DescribableTextures.json";
        JsonNode split = Json.LINE.readTree(dtd.resolve(name).toFile());
        ObjectNode small = Json.LINE.createObjectNode();
        for (String part : List.of("train", "val", "test")) {
            ArrayNode rows = small.putArray(part);
            int[] perClass = new int[3];
            for (JsonNode r : split.path(part)) {
                int label = r.get(1).asInt();
                if (label < 3 && (!part.equals("test") || perClass[label]++ < 8)) {
                    rows.add(r);
                }
            }
        }
        Files.writeString(mine.resolve(name), Json.LINE.writeValueAsString(small));
        return root;
    }

    /**
     * One intra-op thread, as each Spark task has (spark.task.cpus = 1): results are bit-identical for
     * equal thread counts only (other counts sum in another order).
     */
    static String[] args(Path root, Path out) {
        return new String[] {"run", "-q", "--model", Shared.require("golden/tiny-clip").toString(), "--datasets", "oxford_pets,dtd",
            "--root", root.toString(), "--shots", "2", "--seeds", "1,2", "--baselines", "zeroshot", "--epochs", "2",
            "--lr", "0.01", "--text-input", "default", "--search-epochs", "2", "--candidates", "0,1", "--workers", "1",
            "--threads", "1", "--out", out.toString()};
    }

    @BeforeAll
    static void runBoth() throws IOException {
        Path root = datasets(tmp);
        sequential = tmp.resolve("sequential");
        seq = capture(() -> Main.run(args(root, sequential)));
        assertThat(seq.exitCode()).as(seq.err()).isZero();

        spark = tmp.resolve("spark");
        Map<String, String> props = Map.of("spark.master", "local[2,2]", "spark.ui.enabled", "false",
                FaultHook.PROPERTY, FAULTED);
        props.forEach(System::setProperty);
        try {
            // not -q on Spark: the units' log lines show which attempt finished each one
            List<String> a = new ArrayList<>(List.of(args(root, spark)));
            a.remove("-q");
            onSpark = capture(() -> SparkMain.run(a.toArray(new String[0])));
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
        assertThat(onSpark.exitCode()).as(onSpark.err()).isZero();
    }

    /** Every regular file under {@code root} by relative path. */
    static Map<String, Path> files(Path root) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(f -> out.put(root.relativize(f).toString(), f));
        }
        return out;
    }

    @Test
    void theFaultedSearchWasRetriedAndResumedFromItsCheckpoint() {
        assertThat(onSpark.err()).contains("[" + FAULTED + "] search epoch 1/2");
        assertThat(onSpark.err().lines())
                .as("the retry's own log line")
                .anyMatch(l -> l.startsWith("[" + FAULTED + "] resuming search after epoch 1"))
                .anyMatch(l -> l.startsWith(FAULTED + " done on executor ") && l.contains("attempt 1 (resumed from a checkpoint)"));
        for (Pipeline.Unit u : units()) {
            if (!u.toString().equals(FAULTED)) {
                assertThat(onSpark.err().lines()).as(u.toString()).anyMatch(l -> l.startsWith(u + " done on executor ")
                        && l.contains("attempt 0:"));
            }
        }
    }

    static List<Pipeline.Unit> units() {
        return Pipeline.units(new Pipeline.Plan(List.of("oxford_pets", "dtd"), Path.of("."), 2, List.of(1L, 2L), "all",
                List.of("zeroshot"), null, null));
    }

    @Test
    void everyResultFileEqualsTheSequentialRunsByteForByte() throws IOException {
        assertThat(onSpark.out()).as("the printed table").isEqualTo(seq.out());
        assertThat(sameResults(sequential, spark)).contains(FAULTED + "/" + RunDirectory.FINAL);
    }

    /**
     * Compares, byte for byte, every file the protocol's result consists of (each unit's metrics.json,
     * prompts.safetensors and prompt-config.json, the results table) under {@code got} with {@code want};
     * returns their names: all 26 of the tiny protocol.
     */
    static List<String> sameResults(Path want, Path got) throws IOException {
        Map<String, Path> expected = files(want);
        Map<String, Path> actual = files(got);
        List<String> compared = new ArrayList<>();
        for (String name : expected.keySet()) {
            String base = Path.of(name).getFileName().toString();
            if (base.equals(RunDirectory.FINAL) || base.equals(RunDirectory.PROMPTS) || base.equals(RunDirectory.PROMPT_CONFIG)
                    || base.startsWith("results.")) {
                assertThat(actual).as("files under " + got).containsKey(name);
                assertThat(Files.readAllBytes(actual.get(name))).as(name).isEqualTo(Files.readAllBytes(expected.get(name)));
                compared.add(name);
            }
        }
        // 12 units' metrics.json, the 4 DPL runs' prompts, prompt-config.json of 4 searches and 4 DPL runs, the table twice
        assertThat(compared).hasSize(12 + 4 + 8 + 2).contains("results.json", "results.txt");
        return compared;
    }

    @Test
    void bothLeaveTheSameFilesAndNoLockOrProbe() throws IOException {
        assertThat(files(spark).keySet()).isEqualTo(files(sequential).keySet());
        assertThat(files(spark).keySet()).noneMatch(f -> f.endsWith(RunLock.FILE) || f.contains("probe") || f.endsWith(".tmp"));
    }
}
