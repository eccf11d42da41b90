package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.prompts.MaPLe;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Presets;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DPL on MaPLe end to end (issue 20) on the golden tiny CLIP and the demo Oxford Pets (2 shots, 1 epoch per stage):
 * {@code run --baselines maple,dpl-maple} runs a maple search ({@code search-maple}) and MaPLe trained on its layout
 * ({@code dpl-maple}); {@code train --preset maple --config search-maple/prompt-config.json} ends with the same
 * bytes as that unit, and {@code train --preset maple --config} of the published layout with the same bytes as
 * {@code train --preset maple}.
 */
class DplMapleTest {
    private static final Path DEMO = Path.of("demo-data");

    @TempDir
    static Path tmp;
    static Path out;
    static Cli.Result pipeline;

    private static List<String> common() {
        return List.of("-q", "--model", Shared.require("golden/tiny-clip").toString(), "--epochs", "1", "--lr", "0.01",
                "--workers", "1");
    }

    @BeforeAll
    static void runPipeline() {
        out = tmp.resolve("pipeline");
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(common());
        args.addAll(List.of("--datasets", "oxford_pets", "--root", DEMO.toString(), "--shots", "2", "--seeds", "1",
                "--baselines", "maple,dpl-maple", "--search-epochs", "1", "--out", out.toString()));
        pipeline = Cli.run(args.toArray(String[]::new));
        System.out.print(pipeline.out());
    }

    private static Cli.Result train(Path dir, String... layout) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(common());
        args.addAll(List.of("--dataset", "oxford_pets", "--root", DEMO.toString(), "--shots", "2", "--seed", "1"));
        args.addAll(List.of(layout));
        args.addAll(List.of("--out", dir.toString()));
        return Cli.run(args.toArray(String[]::new));
    }

    /** The file's SHA-256 (hex): equal bytes, with a readable message when not. */
    private static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path seed1(String name) {
        return out.resolve("oxford_pets").resolve("seed1").resolve(name);
    }

    @Test
    void theMapleSearchAndItsTrainUnitRanWithTheMethodsTheyRecord() throws IOException {
        assertThat(pipeline.exitCode()).as(pipeline.err()).isZero();
        JsonNode search = Json.PRETTY.readTree(seed1("search-maple").resolve(RunDirectory.RUN).toFile());
        assertThat(search.path("kind").asText()).isEqualTo("search");
        assertThat(search.path("method").asText()).isEqualTo("maple");
        JsonNode train = Json.PRETTY.readTree(seed1("dpl-maple").resolve(RunDirectory.RUN).toFile());
        assertThat(train.path("method").asText()).isEqualTo("maple");
        PromptConfig searched = PromptConfig.read(seed1("search-maple").resolve(RunDirectory.PROMPT_CONFIG));
        assertThat(Json.PRETTY.treeToValue(train.path("promptConfig"), PromptConfig.class)).isEqualTo(searched);
        ClipConfig tiny = Golden.tinyConfig();
        int[] lengths = MaPLe.lengthsOf(searched, tiny); // a MaPLe layout: context 2, coupled text/image lengths
        assertThat(lengths[0]).isEqualTo(MaPLe.N_CTX);
        // MaPLe's published settings (5 epochs, batch 4) with the options given on top (1 epoch, lr 0.01)
        assertThat(train.path("settings").path("epochs").asInt()).isEqualTo(1);
        assertThat(train.path("settings").path("batchSize").asInt()).isEqualTo(4);
        assertThat(pipeline.out()).contains("dpl-maple").contains("maple").contains("dpl");
        assertThat(seed1("search")).isDirectory(); // DPL's own search still runs
    }

    @Test
    void trainPresetMapleWithTheSearchedConfigEndsWithTheUnitsBytes() throws IOException {
        assertThat(pipeline.exitCode()).as(pipeline.err()).isZero();
        Path mine = tmp.resolve("train-searched");
        Cli.Result r = train(mine, "--preset", "maple", "--config", seed1("search-maple").resolve(RunDirectory.PROMPT_CONFIG).toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        for (String f : List.of(RunDirectory.PROMPTS, "checkpoint.safetensors")) {
            assertThat(sha256(mine.resolve(f))).as(f).isEqualTo(sha256(seed1("dpl-maple").resolve(f)));
        }
    }

    @Test
    void thePublishedLayoutAsAConfigTrainsToThePresetsBytes() throws IOException {
        assertThat(pipeline.exitCode()).as(pipeline.err()).isZero();
        Path cfg = tmp.resolve("published.json");
        Presets.resolve("maple", Golden.tinyConfig()).write(cfg);
        Path mine = tmp.resolve("train-published");
        Cli.Result r = train(mine, "--preset", "maple", "--config", cfg.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        for (String f : List.of(RunDirectory.PROMPTS, "checkpoint.safetensors")) {
            assertThat(sha256(mine.resolve(f))).as(f).isEqualTo(sha256(seed1("maple").resolve(f)));
        }
    }

    @Test
    void searchMethodMapleIsThePipelinesSearch() throws IOException {
        assertThat(pipeline.exitCode()).as(pipeline.err()).isZero();
        Path dir = tmp.resolve("search");
        List<String> args = new ArrayList<>(List.of("search", "--method", "maple"));
        args.addAll(common().subList(0, 3));
        args.addAll(List.of("--workers", "1", "--dataset", "oxford_pets", "--root", DEMO.toString(), "--shots", "2",
                "--search-epochs", "1", "--out", dir.toString()));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        for (String f : List.of(RunDirectory.PROMPT_CONFIG, RunDirectory.ALPHAS, RunDirectory.CHECKPOINT)) {
            assertThat(sha256(dir.resolve(f))).as(f).isEqualTo(sha256(seed1("search-maple").resolve(f)));
        }
        System.out.println("searched maple layout: " + PromptConfig.read(dir.resolve(RunDirectory.PROMPT_CONFIG)));
        Cli.Result bad = Cli.run("search", "--method", "mapel", "--model", "x", "--dataset", "oxford_pets", "--root",
                DEMO.toString(), "--out", tmp.resolve("bad-search").toString());
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("unknown search method 'mapel'; choose one of dpl, maple");
    }

    @Test
    void aLayoutThatIsNotMaPLesFailsNamingTheFile() throws IOException {
        Path cfg = tmp.resolve("uncoupled.json");
        new PromptConfig(List.of(0, 2, 0), List.of(2, 1, 0), 2).write(cfg);
        Cli.Result r = train(tmp.resolve("bad"), "--preset", "maple", "--config", cfg.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains(cfg.toString()).contains("the lengths must be equal per block");
        Cli.Result other = train(tmp.resolve("bad2"), "--preset", "kv-ivlp", "--config", cfg.toString());
        assertThat(other.exitCode()).isNotZero();
        assertThat(other.err()).contains("only the token-replacement methods (maple, ivlp, vpt-deep, promptsrc) take a layout file");
    }
}
