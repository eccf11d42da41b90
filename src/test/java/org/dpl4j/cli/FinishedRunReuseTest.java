package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dpl4j.cli.DemoArgs.cli;
import static org.dpl4j.cli.DemoArgs.search;
import static org.dpl4j.cli.DemoArgs.set;
import static org.dpl4j.cli.DemoArgs.train;
import static org.dpl4j.cli.EmbedCommandTest.assertOneLineError;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dpl4j.run.Checksums;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunInfo;
import org.dpl4j.testutil.Shared;
import org.dpl4j.testutil.TinyRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A finished run is reused only by the run it records: {@code train}, {@code search}, a zero-shot
 * baseline and every stage of {@code run}, given a folder whose run finished, return its results
 * when the settings, data and model are the same (speed settings aside) and refuse, naming the
 * setting and both values, when they are not; nothing in the folder is rewritten either way. A
 * run.json written before run.json had a format number is read and checked the same way, and the
 * command line each run records names its subcommand once. Runs on the golden tiny CLIP and the
 * bundled demo Oxford Pets (3 classes, 2 shots, 1 epoch).
 */
class FinishedRunReuseTest {
    private static final Path DEMO = TinyRun.DEMO;

    @TempDir
    static Path shared;
    static Path model;
    static Path trainRun;
    static Path searchRun;
    static Path zeroShotRun;
    static Path pipelineOut;
    static Cli.Result trainFirst;
    static Cli.Result searchFirst;
    static Cli.Result zeroShotFirst;
    static Cli.Result pipelineFirst;

    @TempDir
    Path tmp;

    private static List<String> zeroShot(Path out, String... more) {
        List<String> a = DemoArgs.data("train");
        a.addAll(List.of("--preset", "zeroshot", "--workers", "1", "--out", out.toString()));
        return set(a, more);
    }

    private static List<String> pipeline(Path out, String... more) {
        return set(new ArrayList<>(List.of("run", "-q", "--model", model.toString(),
                "--datasets", "oxford_pets", "--root", DEMO.toString(), "--shots", "2", "--seeds", "1", "--baselines", "zeroshot",
                "--epochs", "1", "--lr", "0.01", "--text-input", "default", "--search-epochs", "1", "--candidates", "0,1",
                "--workers", "1", "--out", out.toString())), more);
    }


    private static Cli.Result finished(List<String> args) {
        Cli.Result r = cli(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r;
    }

    @BeforeAll
    static void finishedRuns() {
        model = Shared.require("golden/tiny-clip");
        trainRun = shared.resolve("train");
        searchRun = shared.resolve("search");
        zeroShotRun = shared.resolve("zeroshot");
        pipelineOut = shared.resolve("pipeline");
        trainFirst = finished(train(trainRun));
        searchFirst = finished(search(searchRun));
        zeroShotFirst = finished(zeroShot(zeroShotRun));
        pipelineFirst = finished(pipeline(pipelineOut));
        for (Path run : List.of(trainRun, searchRun, zeroShotRun, stage("zeroshot"), stage("search"), stage("dpl"))) {
            assertThat(run.resolve(RunDirectory.FINAL)).exists();
        }
    }

    private static Path stage(String name) {
        return pipelineOut.resolve("oxford_pets/seed1").resolve(name);
    }

    /**
     * Every file under {@code root} with its bytes and modification time: what a reuse must leave as
     * it was. A pipeline's results table ({@code results.*}) is written again, with the same bytes,
     * whenever the pipeline gets to its end, so only its bytes count.
     */
    private static Map<Path, List<Object>> files(Path root) throws IOException {
        Map<Path, List<Object>> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                String bytes = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                out.put(root.relativize(f), f.getFileName().toString().startsWith("results.") ? List.of(bytes)
                        : List.of(bytes, Files.getLastModifiedTime(f)));
            }
        }
        return out;
    }

    private static JsonNode json(Path file) throws IOException {
        return Json.PRETTY.readTree(file.toFile());
    }

    // ---- same settings: reused

    @Test
    void theSameSettingsReuseEachFinishedRunAndRewriteNothing() throws IOException {
        record Case(Path dir, List<String> args, Cli.Result first) {}
        for (Case c : List.of(new Case(trainRun, train(trainRun), trainFirst),
                new Case(searchRun, search(searchRun), searchFirst),
                new Case(zeroShotRun, zeroShot(zeroShotRun), zeroShotFirst),
                new Case(pipelineOut, pipeline(pipelineOut), pipelineFirst),
                // decoding threads and the evaluation batch change speed, never the result
                new Case(trainRun, train(trainRun, "--workers", "2", "--eval-batch", "8"), trainFirst),
                new Case(zeroShotRun, zeroShot(zeroShotRun, "--workers", "2", "--eval-batch", "8"), zeroShotFirst),
                new Case(pipelineOut, pipeline(pipelineOut, "--workers", "2", "--eval-batch", "8"), pipelineFirst))) {
            Map<Path, List<Object>> before = files(c.dir());
            Cli.Result again = cli(c.args());
            assertThat(again.exitCode()).as(c.args() + ": " + again.err()).isZero();
            assertThat(again.out()).as("%s prints the finished run's result", c.args()).isEqualTo(c.first().out());
            assertThat(files(c.dir())).as("%s rewrites nothing", c.args()).isEqualTo(before);
        }
        assertThat(json(trainRun.resolve(RunDirectory.FINAL))).isEqualTo(Json.PRETTY.readTree(trainFirst.out()));
    }

    @Test
    void theSameModelElsewhereIsTheSameRun() throws IOException {
        // run.json identifies the model by its SHA-256, not by where the file lies
        Path copy = TinyRun.modelCopy(tmp);
        Map<Path, List<Object>> before = files(trainRun);
        Cli.Result again = cli(set(train(trainRun), "--model", copy.toString()));
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo(trainFirst.out());
        assertThat(files(trainRun)).isEqualTo(before);
    }

    // ---- other settings: refused

    private static void assertRefused(Cli.Result r, Path runJson, String named) {
        assertThat(r.exitCode()).as("exit code: %s not refused (%s); printed instead: %s", runJson.getParent(), named,
                r.out().replaceAll("\\s+", " ")).isNotZero();
        assertOneLineError(r, runJson + " records a different run (" + named + ")");
        assertThat(r.errLines().get(0)).endsWith("use another output folder or the same settings and data");
        assertThat(r.out()).as("no result is printed for a run that was not asked for").isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--epochs     | 2        | settings.epochs was 1, now 2",
        "--lr         | 0.02     | settings.sgd.lr was 0.01, now 0.02",
        "--batch      | 2        | settings.batchSize was 4, now 2",
        "--text-input | ensemble | settings.textInput was \"default\", now \"ensemble\"",
        "--seed       | 2        | seed was 1, now 2",
        "--shots      | 3        | shots was 2, now 3",
        "--subsample  | base     | subsample was \"all\", now \"base\"",
        "--preset     | coop     | method was \"kv-ivlp\", now \"coop\"",
        "--preset     | kv-vpt-deep | method was \"kv-ivlp\", now \"kv-vpt-deep\"",
    })
    void otherSettingsOverAFinishedTrainRunAreRefusedNamingTheSetting(String option, String value, String named)
            throws IOException {
        Map<Path, List<Object>> before = files(trainRun);
        Cli.Result r = cli(train(trainRun, option, value));
        assertRefused(r, trainRun.resolve(RunDirectory.RUN), named);
        assertThat(files(trainRun)).as("the finished run is left as it was").isEqualTo(before);
    }

    @Test
    void otherDataOrAnotherModelOverAFinishedTrainRunAreRefused() throws IOException {
        Map<Path, List<Object>> before = files(trainRun);
        // the same images under another root
        Path root = tmp.resolve("data");
        copyTree(DEMO.resolve("oxford_pets"), root.resolve("oxford_pets"));
        assertRefused(cli(train(trainRun, "--root", root.toString())), trainRun.resolve(RunDirectory.RUN),
                "root was \"" + DEMO + "\", now \"" + root + "\"");
        // other model files: the same weights and one more file, so another SHA-256
        Path other = TinyRun.modelCopy(tmp);
        Files.writeString(other.resolve("NOTES.txt"), "not the recorded model\n");
        String was = json(trainRun.resolve(RunDirectory.RUN)).path("model").path("sha256").asText();
        Cli.Result r = cli(train(trainRun, "--model", other.toString()));
        assertRefused(r, trainRun.resolve(RunDirectory.RUN),
                "model.sha256 was \"" + was + "\", now \"" + Checksums.sha256(other) + "\"");
        assertThat(files(trainRun)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--search-epochs | 2   | settings.epochs was 1, now 2",
        "--candidates    | 0,1 | settings.candidates was [0,1,2,3], now [0,1]",
        "--shots         | 3   | shots was 2, now 3",
    })
    void otherSettingsOverAFinishedSearchAreRefusedNamingTheSetting(String option, String value, String named)
            throws IOException {
        Map<Path, List<Object>> before = files(searchRun);
        assertRefused(cli(search(searchRun, option, value)), searchRun.resolve(RunDirectory.RUN), named);
        assertThat(files(searchRun)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--preset    | zeroshot-ensemble | method was \"zeroshot\", now \"zeroshot-ensemble\"",
        "--subsample | base              | subsample was \"all\", now \"base\"",
        "--shots     | 4                 | shots was 2, now 4",
    })
    void otherSettingsOverAFinishedZeroShotRunAreRefusedNamingTheSetting(String option, String value, String named)
            throws IOException {
        Map<Path, List<Object>> before = files(zeroShotRun);
        assertRefused(cli(zeroShot(zeroShotRun, option, value)), zeroShotRun.resolve(RunDirectory.RUN), named);
        assertThat(files(zeroShotRun)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        // zero-shot CLIP and the search do not train with --epochs: they are reused, the DPL stage is refused
        "--epochs        | 2   | dpl      | settings.epochs was 1, now 2",
        "--lr            | 0.5 | dpl      | settings.sgd.lr was 0.01, now 0.5",
        "--search-epochs | 2   | search   | settings.epochs was 1, now 2",
        "--candidates    | 0,2 | search   | settings.candidates.1 was 1, now 2",
        "--shots         | 3   | zeroshot | shots was 2, now 3",
    })
    void otherSettingsOverAFinishedPipelineAreRefusedAtTheFirstStageTheyChange(String option, String value, String stage,
            String named) throws IOException {
        Map<Path, List<Object>> before = files(pipelineOut);
        assertRefused(cli(pipeline(pipelineOut, option, value)), stage(stage).resolve(RunDirectory.RUN), named);
        assertThat(files(pipelineOut)).as("no stage and no results table rewritten").isEqualTo(before);
    }

    // ---- a run.json of the format before format numbers

    /**
     * run.json as dpl4j wrote it before it had a format number (the train run of {@link #train},
     * written by commit 339ac99): no {@code format} field, and the command with its subcommand twice.
     * Only the model's path and checksum are filled in, from the golden model this test runs on.
     */
    private static final String UNNUMBERED_RUN_JSON = """
            {
              "kind" : "train",
              "method" : "ivlp",
              "dataset" : "OxfordPets",
              "root" : "demo-data",
              "shots" : 2,
              "seed" : 1,
              "subsample" : "all",
              "splitSizes" : {
                "train" : 6,
                "val" : 6,
                "test" : 72
              },
              "classNames" : [ "abyssinian", "american bulldog", "bengal" ],
              "promptConfig" : {
                "text" : [ 2, 2, 2 ],
                "image" : [ 2, 2, 2 ],
                "context" : 0
              },
              "settings" : {
                "epochs" : 1,
                "batchSize" : 4,
                "lr" : 0.01,
                "momentum" : 0.9,
                "weightDecay" : 5.0E-4,
                "warmupEpochs" : 1,
                "warmupLr" : 1.0E-5,
                "initStd" : 0.02,
                "textInput" : "default",
                "distillWeight" : 0.0,
                "seed" : 1,
                "workers" : 1,
                "evalBatch" : 64,
                "badImages" : "FAIL"
              },
              "imageDecoding" : "Dassl: convert(\\"RGB\\"), then resize",
              "model" : {
                "path" : "%s",
                "format" : "OPENAI_SAFETENSORS",
                "sha256" : "%s",
                "config" : {
                  "embed_dim" : 32,
                  "image_resolution" : 32,
                  "vision_layers" : 3,
                  "vision_width" : 64,
                  "vision_heads" : 2,
                  "vision_patch_size" : 8,
                  "context_length" : 77,
                  "vocab_size" : 49408,
                  "transformer_width" : 64,
                  "transformer_heads" : 2,
                  "transformer_layers" : 3
                }
              },
              "started" : "2026-12-03T09:36:09.922410293Z",
              "dpl4jVersion" : "dev",
              "command" : "dpl4j train train -q --model /work/shared/golden/tiny-clip --dataset oxford_pets --root demo-data --shots 2 --seed 1 --preset ivlp --epochs 1 --lr 0.01 --text-input default --workers 1 --out /tmp/wt19-old/train"
            }
            """;

    @Test
    void aFinishedRunOfTheUnnumberedFormatIsReadReusedAndChecked() throws IOException {
        // a finished train run whose run.json is the old version's
        Path old = tmp.resolve("old");
        copyTree(trainRun, old);
        String sha = json(trainRun.resolve(RunDirectory.RUN)).path("model").path("sha256").asText();
        Files.writeString(old.resolve(RunDirectory.RUN), UNNUMBERED_RUN_JSON.formatted(model.toAbsolutePath(), sha));
        assertThat(json(old.resolve(RunDirectory.RUN)).has("format")).isFalse();
        Map<Path, List<Object>> before = files(old);

        Cli.Result same = cli(train(old));
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).isEqualTo(trainFirst.out());
        assertThat(files(old)).as("reused as the old version left it, run.json included").isEqualTo(before);

        assertRefused(cli(train(old, "--epochs", "2")), old.resolve(RunDirectory.RUN), "settings.epochs was 1, now 2");
        assertThat(files(old)).isEqualTo(before);

        Cli.Result eval = Cli.run("eval", "-q", "--run", old.toString());
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(json(old.resolve(RunDirectory.FINAL)).path("test")).isEqualTo(Json.PRETTY.readTree(eval.out()).path("result"));
    }

    @Test
    void newRunsRecordTheirFormat() throws IOException {
        for (Path run : List.of(trainRun, searchRun, zeroShotRun, stage("zeroshot"), stage("search"), stage("dpl"))) {
            JsonNode info = json(run.resolve(RunDirectory.RUN));
            assertThat(info.fieldNames().next()).as(run.toString()).isEqualTo("format");
            assertThat(info.path("format").asInt()).as(run.toString()).isEqualTo(RunInfo.FORMAT);
        }
    }

    // ---- the command line each run records

    @Test
    void eachRunRecordsItsCommandLineWithTheSubcommandOnce() throws IOException {
        Map<Path, List<String>> commands = new LinkedHashMap<>();
        commands.put(trainRun, train(trainRun));
        commands.put(searchRun, search(searchRun));
        commands.put(zeroShotRun, zeroShot(zeroShotRun));
        for (String s : List.of("zeroshot", "search", "dpl")) {
            commands.put(stage(s), pipeline(pipelineOut));
        }
        for (Map.Entry<Path, List<String>> e : commands.entrySet()) {
            String recorded = json(e.getKey().resolve(RunDirectory.RUN)).path("command").asText();
            assertThat(recorded).as(e.getKey().toString()).isEqualTo("dpl4j " + String.join(" ", e.getValue()));
            String sub = e.getValue().get(0);
            assertThat(recorded).as(e.getKey().toString()).startsWith("dpl4j " + sub + " -q ")
                    .doesNotContain(sub + " " + sub);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
