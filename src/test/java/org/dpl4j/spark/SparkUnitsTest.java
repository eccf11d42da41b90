package org.dpl4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.search.SearchSettings;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.testutil.Shared;
import org.dpl4j.training.SgdSchedule;
import org.dpl4j.training.TrainSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark-side pieces in local mode: two attempts of one unit at once, and the shared-folder probe. */
class SparkUnitsTest {
    @TempDir
    static Path tmp;
    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        SparkPipeline.quietLogs();
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("dpl4j test").set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static <T> T with(T defaults, Class<T> type, String... fieldValues) throws IOException {
        ObjectNode n = Json.LINE.valueToTree(defaults);
        for (int i = 0; i < fieldValues.length; i += 2) {
            n.set(fieldValues[i], Json.LINE.readTree(fieldValues[i + 1]));
        }
        return Json.LINE.treeToValue(n, type);
    }

    private static Work work(Path out) throws IOException {
        TrainSettings train = with(TrainSettings.defaults(), TrainSettings.class, "epochs", "2", "sgd", Json.LINE.writeValueAsString(SgdSchedule.DPL.withLr(0.01f)),
                "textInput", "\"default\"", "workers", "1");
        SearchSettings search = with(SearchSettings.defaults(), SearchSettings.class, "epochs", "1", "workers", "1");
        Pipeline.Plan plan = new Pipeline.Plan(List.of("oxford_pets"), Path.of("demo-data"), 2, List.of(1L), "all",
                List.of("ivlp"), search, train);
        return Work.of(plan, Shared.require("golden/tiny-clip"), null, "cpu", out, "test");
    }

    @Test
    void twoAttemptsOfOneUnitStartedTogetherLeaveOneFinishedRunDirectory() throws Exception {
        Path out = tmp.resolve("contended");
        Work w = work(out);
        Pipeline.Unit u = new Pipeline.Unit("oxford_pets", 1, "ivlp", Pipeline.Stage.BASELINE);
        SparkPipelineTest.Captured c = SparkPipelineTest.capture(() -> {
            List<Outcome> both = sc.parallelize(List.of(u, u), 2).map(x -> UnitTask.run(w, x, null)).collect();
            assertThat(both.get(0).row()).isEqualTo(both.get(1).row());
            return 0;
        });
        List<String> log = c.err().lines().filter(l -> l.startsWith("[" + u + "] ")).map(l -> l.substring(u.toString().length() + 3))
                .toList();
        assertThat(log).as("one attempt waited for the other's lock, then found the run finished")
                .anyMatch(l -> l.startsWith("waiting for " + u.dir(out).resolve("run.lock")))
                .anyMatch(l -> l.startsWith("already complete: "));
        assertThat(log.stream().filter(l -> l.startsWith("epoch ")).map(l -> l.split("\\s+")[0] + " " + l.split("\\s+")[1]))
                .as("epochs trained, over both attempts")
                .containsExactly("epoch 1/2", "epoch 2/2");

        Path dir = u.dir(out);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).as("no lock, no temporary file left")
                    .containsExactly(RunDirectory.CHECKPOINT, RunDirectory.CLASS_FEATURES, RunDirectory.FINAL,
                            RunDirectory.METRICS_LOG, RunDirectory.PROMPT_CONFIG, RunDirectory.PROMPTS, RunDirectory.RUN);
        }
        RunDirectory run = new RunDirectory(dir);
        assertThat(run.readLog(RunDirectory.METRICS_LOG)).hasSize(2);
        assertThat(run.readJson(RunDirectory.FINAL).path("test").path("images").asInt()).isEqualTo(72);
        assertThat(run.readJson(RunDirectory.RUN).path("method").asText()).isEqualTo("ivlp");
        assertThat(Safetensors.metadata(run.file(RunDirectory.CHECKPOINT))).containsEntry("epoch", "1");
        assertThat(Safetensors.metadata(run.file(RunDirectory.PROMPTS))).isNotNull();
    }

    @Test
    void theProbePassesOnASharedFolderAndLeavesNothing() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("shared"));
        SharedFolder.check(sc, out, SharedFolder.FILES);
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void anExecutorThatDoesNotSeeTheProbeStopsTheJobWithOneLine() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("local-only"));
        assertThatThrownBy(() -> SharedFolder.check(sc, out, f -> null)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("--out " + out + " is not shared with the executors: executor driver does not see "
                        + out.toAbsolutePath().resolve(".dpl4j-shared-probe-"))
                .hasMessageContaining("put --out on a filesystem every executor mounts at the same path")
                .hasMessageNotContaining("\n");
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.toList()).as("the probe is removed").isEmpty();
        }
    }
}
