package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Datasets;
import org.dpl4j.data.FewShot;
import org.dpl4j.data.Sample;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.WeightFormatException;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Templates;
import org.dpl4j.run.Checkpoint;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.testutil.Shared;
import org.dpl4j.util.Progress;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad inputs fail with a message naming the culprit and never leave a corrupt run directory. */
class RobustnessTest {
    @TempDir
    Path tmp;

    private static TrainSettings settings(int epochs, int batch, float lr, BadSamplePolicy bad) {
        return new TrainSettings(epochs, batch, new SgdSchedule(lr, 0.9f, 5e-4f, 0, 1e-5f), 0.02f, "default", 0f, 1, 2, 32, bad);
    }

    @Test
    void nonFiniteLossStopsAndKeepsLastGoodCheckpoint() throws Exception {
        DatasetSplits data = FewShot.sample(Datasets.load("dtd", Shared.require("datasets")), 2, 1);
        try (Scope scope = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            ClassTexts texts = ClassTexts.build(clip, data.classNames(), List.of(Templates.DEFAULT));
            RunDirectory run = new RunDirectory(tmp.resolve("nan"));
            run.create();
            PromptConfig cfg = new PromptConfig(List.of(2, 2, 2), List.of(2, 2, 2));
            // one good epoch at an ordinary learning rate, checkpointed
            new PromptTrainer(clip, settings(1, 4, 1e-3f, BadSamplePolicy.FAIL), Progress.NONE, s -> {})
                    .train(data, cfg, texts, null, run).close();
            Path file = run.file(RunDirectory.CHECKPOINT);
            byte[] good = Files.readAllBytes(file);
            // resumed with an absurd learning rate: epoch 2 drives the prompts to inf/NaN within a few steps
            List<String> said = new ArrayList<>();
            assertThatThrownBy(() -> new PromptTrainer(clip, settings(3, 4, 1e30f, BadSamplePolicy.FAIL), Progress.NONE, said::add)
                    .train(data, cfg, texts, null, run).close())
                    .isInstanceOf(StepRunner.NonFiniteLossException.class)
                    .hasMessageContaining("NaN").hasMessageContaining("checkpoint");
            assertThat(said).as("trainer log").anyMatch(l -> l.startsWith("resuming train after epoch 1 "));
            assertThat(run.isComplete()).isFalse();

            Checkpoint ck = Checkpoint.load(file);
            assertThat(ck.epoch()).as("checkpointed epoch (0-based)").isZero();
            List<JsonNode> log = run.readLog(RunDirectory.METRICS_LOG);
            assertThat(log).as("metrics log").hasSize(1);
            assertThat(log.get(0).get("epoch").asInt()).isEqualTo(1);
            assertThat(log.get(0).get("loss").asDouble()).isFinite();
            assertThat(ck.params()).hasSize(6);
            ck.params().forEach((name, p) -> {
                float[] v = Tensors.toFloats(p);
                assertThat(v).as("prompt %s", name).isNotEmpty();
                for (int i = 0; i < v.length; i++) {
                    assertThat(v[i]).as("prompt %s[%d]", name, i).isFinite();
                }
            });
            assertThat(Files.readAllBytes(file)).as("checkpoint file after the failed epoch").isEqualTo(good);
        }
    }

    @Test
    void corruptImageFailsNamingItOrIsSkippedAndCounted() throws Exception {
        DatasetSplits data = FewShot.sample(Datasets.load("dtd", Shared.require("datasets")), 2, 1);
        Path bad = tmp.resolve("broken.jpg");
        Files.write(bad, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2, 3});
        // eight images, the first one unreadable
        List<Sample> train = new ArrayList<>(data.train().subList(0, 8));
        train.set(0, new Sample(bad, train.get(0).label(), train.get(0).className()));
        DatasetSplits broken = data.withSplits(train, data.val(), data.test());
        try (Scope scope = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            ClassTexts texts = ClassTexts.build(clip, data.classNames(), List.of(Templates.DEFAULT));
            PromptConfig cfg = new PromptConfig(List.of(1, 0, 0), List.of(1, 0, 0));
            RunDirectory r1 = new RunDirectory(tmp.resolve("fail"));
            r1.create();
            assertThatThrownBy(() -> new PromptTrainer(clip, settings(3, 1, 1e-3f, BadSamplePolicy.FAIL), Progress.NONE, s -> {})
                    .train(broken, cfg, texts, null, r1).close())
                    .hasMessageContaining("broken.jpg");
            assertThat(r1.has(RunDirectory.CHECKPOINT)).isFalse();

            // the trainer does not report the loader's count; with batches of one image its steps show
            // exactly how many images each epoch trained on: 8 minus the skipped one
            RunDirectory r2 = new RunDirectory(tmp.resolve("skip"));
            r2.create();
            new PromptTrainer(clip, settings(3, 1, 1e-3f, BadSamplePolicy.SKIP), Progress.NONE, s -> {})
                    .train(broken, cfg, texts, null, r2).close();
            List<JsonNode> log = r2.readLog(RunDirectory.METRICS_LOG);
            assertThat(log).hasSize(3);
            assertThat(log).extracting(l -> l.get("steps").asInt()).as("steps per epoch").containsExactly(7, 7, 7);

            // and the loader the trainer builds counts it once per epoch
            try (BatchLoader loader = BatchLoader.builder(train, SampleTransforms.train(clip.config().imageResolution()))
                    .batchSize(1).shuffle(true).seed(1).onBadSample(BadSamplePolicy.SKIP).build()) {
                for (int epoch = 0; epoch < 3; epoch++) {
                    try (BatchLoader.Epoch it = loader.epoch(epoch)) {
                        it.forEachRemaining(b -> { });
                        assertThat(it.skippedCount()).as("skipped in epoch %d", epoch).isEqualTo(1);
                    }
                }
                assertThat(loader.skippedCount()).isEqualTo(3);
            }
        }
    }

    @Test
    void wrongArchitectureNamesTheTensor() throws Exception {
        Path dir = tmp.resolve("model");
        Files.createDirectories(dir);
        Files.copy(Shared.require("golden/tiny-clip/model.safetensors"), dir.resolve("model.safetensors"));
        // a config that says 4 vision layers where the file has 3
        Files.writeString(dir.resolve("config.json"), Files.readString(Shared.require("golden/tiny-clip/config.json"))
                .replace("\"vision_layers\": 3", "\"vision_layers\": 4"));
        assertThatThrownBy(() -> ClipLoader.load(dir, null))
                .isInstanceOf(WeightFormatException.class)
                .hasMessageContaining("visual.transformer.resblocks.3");
        Path txt = tmp.resolve("notes.safetensors");
        Files.writeString(txt, "hello");
        assertThatThrownBy(() -> ClipLoader.load(txt, null)).hasMessageContaining("notes.safetensors");
        Path unknown = tmp.resolve("weights.bin");
        Files.writeString(unknown, "x");
        assertThatThrownBy(() -> ClipLoader.load(unknown, null)).hasMessageContaining("unknown model format");
    }

    @Test
    void unknownDatasetListsChoices() {
        assertThatThrownBy(() -> Datasets.load("imagenette", tmp)).hasMessageContaining("imagenette").hasMessageContaining("OxfordPets");
    }
}
