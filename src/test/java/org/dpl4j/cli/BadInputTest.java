package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dpl4j.cli.DemoArgs.cli;
import static org.dpl4j.cli.DemoArgs.search;
import static org.dpl4j.cli.DemoArgs.set;
import static org.dpl4j.cli.DemoArgs.train;
import static org.dpl4j.cli.EmbedCommandTest.assertOneLineError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code train}, {@code search}, {@code eval}, {@code predict} and {@code run} given bad input
 * exit non-zero with one line naming what is at fault: an unknown preset, a prompt config made for
 * another model, a checkpoint or prompts file that is not one, a run directory of another kind,
 * and a run resumed with other settings. Runs on the golden tiny CLIP and the bundled demo Oxford
 * Pets (3 classes, 2 shots); a finished train run and a finished search run are made once.
 */
class BadInputTest {
    private static final Path DEMO = Path.of("demo-data");

    @TempDir
    static Path shared;
    static Path trainRun;
    static Path searchRun;

    @TempDir
    Path tmp;

    @BeforeAll
    static void finishedRuns() {
        trainRun = shared.resolve("train");
        searchRun = shared.resolve("search");
        assertThat(cli(train(trainRun)).exitCode()).isZero();
        assertThat(cli(search(searchRun)).exitCode()).isZero();
        assertThat(trainRun.resolve(RunDirectory.FINAL)).exists();
        assertThat(searchRun.resolve(RunDirectory.FINAL)).exists();
    }

    /** A copy of a finished run with its final metrics removed: what an interrupted run leaves. */
    private Path interrupted(Path run) throws IOException {
        Path copy = tmp.resolve("interrupted-" + run.getFileName());
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(run)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Files.delete(copy.resolve(RunDirectory.FINAL));
        return copy;
    }

    private static void garble(Path file) throws IOException {
        assertThat(file).exists();
        Files.writeString(file, "these bytes are not a safetensors file, whatever their name says\n");
    }

    // ---- train

    @Test
    void trainWithUnknownPresetNamesItBeforeAnyWork() {
        Path out = tmp.resolve("out");
        Cli.Result r = cli(train(out, "--preset", "ivlp-deep"));
        assertOneLineError(r, "unknown preset 'ivlp-deep'");
        assertThat(out).doesNotExist();
    }

    @Test
    void trainWithConfigForAnotherModelNamesTheFile() throws IOException {
        // the tiny CLIP has 3 text and 3 image blocks
        Path cfg = Files.writeString(tmp.resolve("prompt-config.json"), "{\"text\": [1, 1, 1, 1, 1], \"image\": [1, 1, 1]}");
        List<String> args = train(tmp.resolve("out"));
        int preset = args.indexOf("--preset");
        args.subList(preset, preset + 2).clear();
        args.addAll(List.of("--config", cfg.toString()));
        Cli.Result r = cli(args);
        assertOneLineError(r, cfg + ": prompt config has 5 text / 3 image blocks but the model has 3 / 3");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void trainResumedFromACheckpointThatIsNotOneNamesIt() throws IOException {
        Path run = interrupted(trainRun);
        Path ckpt = run.resolve(RunDirectory.CHECKPOINT);
        garble(ckpt);
        Cli.Result r = cli(train(run));
        assertOneLineError(r, ckpt.toString());
        assertThat(run.resolve(RunDirectory.FINAL)).doesNotExist();
    }

    @Test
    void trainIntoASearchRunNamesItsRunJsonAndKind() {
        Cli.Result r = cli(train(searchRun));
        assertOneLineError(r, searchRun.resolve(RunDirectory.RUN) + " records a search run, not a train run");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--lr         | 0.02     | settings.sgd.lr was 0.01, now 0.02",
        "--epochs     | 2        | settings.epochs was 1, now 2",
        "--text-input | ensemble | settings.textInput was \"default\", now \"ensemble\"",
        "--seed       | 2        | seed was 1, now 2",
        "--shots      | 3        | shots was 2, now 3",
        "--subsample  | base     | subsample was \"all\", now \"base\"",
        "--preset     | coop     | method was \"kv-ivlp\", now \"coop\"",
    })
    void trainResumedWithOtherSettingsNamesTheSetting(String option, String value, String named) throws IOException {
        Path run = interrupted(trainRun);
        Cli.Result r = cli(train(run, option, value));
        assertOneLineError(r, run.resolve(RunDirectory.RUN) + " records a different run (" + named + ")");
        assertThat(r.errLines().get(0)).endsWith("use another output folder or the same settings and data");
        assertThat(run.resolve(RunDirectory.FINAL)).doesNotExist();
    }

    @Test
    void trainResumedWithOtherWorkersAndEvalBatchFinishes() throws IOException {
        Path run = interrupted(trainRun);
        Cli.Result r = cli(train(run, "--workers", "2", "--eval-batch", "32"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(run.resolve(RunDirectory.FINAL)).exists();
    }

    // ---- search

    @Test
    void searchIntoATrainRunNamesItsRunJsonAndKind() {
        Cli.Result r = cli(search(trainRun));
        assertOneLineError(r, trainRun.resolve(RunDirectory.RUN) + " records a train run, not a search run");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--search-epochs   | 2       | settings.epochs was 1, now 2",
        "--candidates      | 0,1     | settings.candidates was [0,1,2,3], now [0,1]",
        "--attention       | naive   | settings.attention was \"FUSED\", now \"NAIVE\"",
        "--fixed-val-batch |         | settings.fixedValBatch was false, now true",
    })
    void searchResumedWithOtherSettingsNamesTheSetting(String option, String value, String named) throws IOException {
        Path run = interrupted(searchRun);
        Cli.Result r = cli(value == null ? search(run, option) : search(run, option, value));
        assertOneLineError(r, run.resolve(RunDirectory.RUN) + " records a different run (" + named + ")");
    }

    @Test
    void searchResumedFromACheckpointThatIsNotOneNamesIt() throws IOException {
        Path run = interrupted(searchRun);
        Path ckpt = run.resolve(RunDirectory.CHECKPOINT);
        garble(ckpt);
        Cli.Result r = cli(search(run));
        assertOneLineError(r, ckpt.toString());
    }

    @Test
    void searchWithUnknownAttentionNamesTheOption() {
        Cli.Result r = cli(search(tmp.resolve("out"), "--attention", "sparse"));
        assertOneLineError(r, "--attention must be fused or naive, got sparse");
    }

    // ---- eval and predict

    @Test
    void evalAndPredictOnASearchRunNameItsRunJsonAndKind() throws IOException {
        Path image = anyDemoImage();
        for (Cli.Result r : List.of(Cli.run("eval", "-q", "--run", searchRun.toString()),
                Cli.run("predict", "-q", "--run", searchRun.toString(), image.toString()))) {
            assertOneLineError(r, searchRun.resolve(RunDirectory.RUN) + " records a search run, not a train run");
        }
    }

    @Test
    void evalAndPredictOnAFolderThatIsNoRunNameTheMissingRunJson() throws IOException {
        Path image = anyDemoImage();
        for (Cli.Result r : List.of(Cli.run("eval", "-q", "--run", DEMO.toString()),
                Cli.run("predict", "-q", "--run", DEMO.toString(), image.toString()))) {
            assertOneLineError(r, DEMO.resolve(RunDirectory.RUN) + " not found: " + DEMO + " is not a dpl4j run directory");
        }
    }

    @Test
    void evalAndPredictWithPromptsThatAreNotOneNameTheFile() throws IOException {
        Path run = tmp.resolve("copy");
        Files.createDirectories(run);
        try (Stream<Path> files = Files.list(trainRun)) {
            for (Path f : files.toList()) {
                Files.copy(f, run.resolve(f.getFileName()));
            }
        }
        Path prompts = run.resolve(RunDirectory.PROMPTS);
        garble(prompts);
        for (Cli.Result r : List.of(Cli.run("eval", "-q", "--run", run.toString()),
                Cli.run("predict", "-q", "--run", run.toString(), anyDemoImage().toString()))) {
            assertOneLineError(r, prompts.toString());
        }
    }

    @Test
    void evalOnAnUnknownDatasetNamesIt() {
        Cli.Result r = Cli.run("eval", "-q", "--run", trainRun.toString(), "--dataset", "no_such_set");
        assertOneLineError(r, "no_such_set");
    }

    @Test
    void predictOnAMissingImageNamesIt() {
        Path missing = tmp.resolve("nowhere.jpg");
        Cli.Result r = Cli.run("predict", "-q", "--run", trainRun.toString(), missing.toString());
        assertOneLineError(r, missing.toString());
    }

    private static Path anyDemoImage() throws IOException {
        try (Stream<Path> s = Files.list(DEMO.resolve("oxford_pets/images"))) {
            return s.sorted().findFirst().orElseThrow();
        }
    }

    // ---- run

    private static List<String> pipeline(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "-q", "--model", Shared.require("golden/tiny-clip").toString(),
                "--datasets", "oxford_pets", "--root", DEMO.toString(), "--shots", "2", "--seeds", "1",
                "--epochs", "1", "--lr", "0.01", "--text-input", "default", "--search-epochs", "1", "--workers", "1",
                "--out", out.toString()));
        return set(a, more);
    }

    @Test
    void runWithAnUnknownBaselineNamesItBeforeAnyWork() throws IOException {
        Path out = tmp.resolve("pipeline");
        // the known baseline comes first: it must not be trained before the typo is found
        Cli.Result r = cli(pipeline(out, "--baselines", "zeroshot,ivlpp"));
        assertOneLineError(r, "unknown preset 'ivlpp'");
        assertThat(out.resolve("oxford_pets")).doesNotExist();
    }

    @Test
    void runIntoARunDirectoryNamesItsRunJson() {
        Cli.Result r = cli(pipeline(trainRun, "--baselines", "zeroshot"));
        assertOneLineError(r, trainRun.resolve(RunDirectory.RUN) + " records a train run, but a pipeline needs a folder of its own");
        assertThat(trainRun.resolve("oxford_pets")).doesNotExist();
    }

    @Test
    void runResumingAStageWithOtherSettingsNamesTheStageAndTheSetting() throws IOException {
        // the train run above is exactly the pipeline's kv-ivlp stage for seed 1, interrupted
        Path out = tmp.resolve("pipeline");
        Path stage = out.resolve("oxford_pets/seed1/kv-ivlp");
        Files.createDirectories(stage.getParent());
        Files.move(interrupted(trainRun), stage);
        Cli.Result r = cli(pipeline(out, "--baselines", "kv-ivlp", "--epochs", "2"));
        assertOneLineError(r, stage.resolve(RunDirectory.RUN) + " records a different run (settings.epochs was 1, now 2)");
        assertThat(stage.resolve(RunDirectory.FINAL)).doesNotExist();
    }
}
