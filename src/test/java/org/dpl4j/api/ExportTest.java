package org.dpl4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.cli.Main;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.ClipTransforms;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.PromptedClassifier;
import org.dpl4j.training.TrainJob;
import org.dpl4j.training.TrainedRun;
import org.dpl4j.testutil.TinyRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dpl4j export}: a bundle answers exactly as the run it came from (bit for bit), with or
 * without the model inside, describes itself, and refuses a model or embedded weights that are not
 * the recorded ones, naming what differs. The run uses a copy of the tiny CLIP that tests may move.
 */
class ExportTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path run;
    static Path bundle;
    static Path bundleWithModel;
    static List<Path> images;

    @TempDir
    Path tmp;

    @BeforeAll
    static void exportRun() throws IOException {
        model = TinyRun.modelCopy(dir);
        run = TinyRun.train(dir.resolve("run"), model);
        bundle = dir.resolve("pets.dpl4j");
        bundleWithModel = dir.resolve("pets-with-model.dpl4j");
        assertThat(Main.run("export", "-q", "--run", run.toString(), "--out", bundle.toString())).isZero();
        assertThat(Main.run("export", "-q", "--run", run.toString(), "--out", bundleWithModel.toString(), "--with-model")).isZero();
        images = TinyRun.images(5);
    }

    /**
     * Probabilities as {@code dpl4j predict} computes them: the run's CLIP (on the placement
     * {@link Classifier#load(Path)} uses), prompts and class texts.
     */
    private static float[][] predictProbabilities() throws IOException {
        TrainedRun r = TrainedRun.read(run);
        float[][] out = new float[images.size()][];
        try (ClipModel clip = r.loadModel(null, Classifier.defaultPlacement()); DeepPrompts prompts = (DeepPrompts) r.loadPrompts(clip);
                Scope m = Scope.open(); NoGrad g = NoGrad.open()) {
            ClassTexts texts = ClassTexts.build(clip, r.classNames(), TrainJob.templates(r.settings().textInput(), r.dataset()),
                    prompts.config().context());
            try (PromptedClassifier c = new PromptedClassifier(clip, prompts, texts)) {
                for (int i = 0; i < images.size(); i++) {
                    float[] px = ClipTransforms.test(SampleTransforms.PROMPT_LEARNING.decode(images.get(i)), clip.config().imageResolution());
                    try (Scope scope = Scope.open()) {
                        out[i] = Tensors.toFloats(c.logits(px, 1).softmax(1));
                    }
                }
            }
        }
        return out;
    }

    private static float[][] probabilities(Classifier c) throws IOException {
        float[][] out = new float[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            List<Prediction> all = c.classify(images.get(i), c.labels().size());
            out[i] = new float[all.size()];
            for (Prediction p : all) {
                out[i][p.index()] = p.probability();
            }
        }
        return out;
    }

    @Test
    void runBundleAndBundleWithModelAnswerBitForBitAsPredict() throws IOException {
        float[][] expected = predictProbabilities();
        for (Path source : List.of(run, bundle, bundleWithModel)) {
            try (Classifier c = Classifier.load(source)) {
                assertThat(probabilities(c)).as("probabilities from " + source).isDeepEqualTo(expected);
            }
        }
    }

    @Test
    void theBundleDescribesItself() throws IOException {
        JsonNode runJson = new RunDirectory(run).readJson(RunDirectory.RUN);
        BundleInfo info = Bundle.readInfo(bundle);
        List<String> names = new ArrayList<>();
        runJson.path("classNames").forEach(n -> names.add(n.asText()));
        assertThat(info.classNames()).isEqualTo(names);
        assertThat(info.layout()).isEqualTo(PromptConfig.read(run.resolve(RunDirectory.PROMPT_CONFIG)));
        assertThat(info.model().sha256()).isEqualTo(runJson.path("model").path("sha256").asText()).hasSize(64);
        assertThat(Path.of(info.model().path())).isEqualTo(model.toAbsolutePath());
        assertThat(info.model().embedded()).isFalse();
        assertThat(Bundle.readInfo(bundleWithModel).model().embedded()).isTrue();
        assertThat(info.preprocessing().resolution()).isEqualTo(runJson.path("model").path("config").path("image_resolution").asInt());
        assertThat(info.preprocessing().decodeOrder()).isEqualTo("DASSL");
        assertThat(info.logitScale()).isGreaterThan(1f);
        assertThat(Files.size(bundleWithModel)).isGreaterThan(Files.size(bundle));
        assertThat(info.version()).isEqualTo(BundleInfo.VERSION);
        assertThat(info.precision()).as("the tests' --precision (fp32)").isEqualTo("fp32");
    }

    /** A version-1 bundle (before the precision was recorded) is still read, its precision unrecorded, and answers the same. */
    @Test
    void aVersion1BundleIsReadWithItsPrecisionUnrecorded() throws IOException {
        Path v1 = tmp.resolve("v1.dpl4j");
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode) org.dpl4j.run.Json.LINE
                .readTree(org.dpl4j.tensor.io.Safetensors.metadata(bundle).get(BundleInfo.KEY));
        json.put("version", 1);
        json.remove("precision");
        try (Scope s = Scope.open()) {
            org.dpl4j.tensor.io.Safetensors.write(v1, org.dpl4j.tensor.io.Safetensors.read(bundle),
                    java.util.Map.of(BundleInfo.KEY, org.dpl4j.run.Json.LINE.writeValueAsString(json)));
        }
        assertThat(Bundle.readInfo(v1).precision()).isNull();
        try (Classifier a = Classifier.load(v1); Classifier b = Classifier.load(bundle)) {
            assertThat(probabilities(a)).isDeepEqualTo(probabilities(b));
        }
        json.put("version", 4);
        Path v3 = tmp.resolve("v4.dpl4j");
        try (Scope s = Scope.open()) {
            org.dpl4j.tensor.io.Safetensors.write(v3, org.dpl4j.tensor.io.Safetensors.read(bundle),
                    java.util.Map.of(BundleInfo.KEY, org.dpl4j.run.Json.LINE.writeValueAsString(json)));
        }
        assertThatThrownBy(() -> Bundle.readInfo(v3)).hasMessage(v3 + ": bundle format dpl4j-bundle v4, this dpl4j reads dpl4j-bundle v1, v2 and v3");
    }

    @Test
    void anotherModelIsRefusedNamingBothFilesAndHashes() throws IOException {
        Path other = Path.of("models/dpl4j-small").toAbsolutePath();
        String recorded = Bundle.readInfo(bundle).model().sha256();
        assertThatThrownBy(() -> Classifier.load(bundle, other)).isInstanceOf(IOException.class)
                .hasMessageContaining("was exported with model " + model.toAbsolutePath() + " (SHA-256 " + recorded + ")")
                .hasMessageContaining("but " + other + " has SHA-256 ");
        assertThatThrownBy(() -> Classifier.load(run, other)).isInstanceOf(IOException.class)
                .hasMessageContaining("was trained with model").hasMessageContaining(recorded);
    }

    @Test
    void aBundleWithItsModelNeedsNoModelFileButOneWithoutDoes() throws IOException {
        Path moved = dir.resolve("moved-away");
        Files.move(model, moved);
        try {
            assertThatThrownBy(() -> Classifier.load(bundle)).isInstanceOf(IOException.class)
                    .hasMessageContaining(model.toAbsolutePath() + ", which no longer exists; pass --model");
            try (Classifier c = Classifier.load(bundleWithModel)) {
                assertThat(c.classify(images.get(0), 1)).hasSize(1);
            }
            // the same file elsewhere is accepted: it has the recorded hash
            try (Classifier c = Classifier.load(bundle, moved)) {
                assertThat(c.classify(images.get(0), 1)).hasSize(1);
            }
        } finally {
            Files.move(moved, model);
        }
    }

    @Test
    void damagedEmbeddedWeightsAreRefused() throws IOException {
        Path copy = tmp.resolve("damaged.dpl4j");
        Files.copy(bundleWithModel, copy);
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            long at = f.length() - 5;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        assertThatThrownBy(() -> Classifier.load(copy)).isInstanceOf(IOException.class)
                .hasMessageContaining("bundle " + copy + ": the embedded model's SHA-256 is ")
                .hasMessageContaining(Bundle.readInfo(bundleWithModel).model().embeddedSha256() + " (the file is damaged)");
    }

    @Test
    void aFileThatIsNoBundleIsNamed() throws IOException {
        Path notBundle = run.resolve(RunDirectory.PROMPTS);
        assertThatThrownBy(() -> Classifier.load(notBundle)).isInstanceOf(IOException.class)
                .hasMessage(notBundle + ": not a dpl4j bundle (no dpl4j.bundle metadata; make one with dpl4j export)");
    }

    /**
     * The token-replacement methods (ivlp; maple, whose vision prompts are couplings of its text prompts) have
     * constant class text features too: their runs store them, export to a bundle of its own version that rebuilds
     * the method's prompts, and the bundle answers bit for bit as the run; CoCoOp, whose text features read the
     * image, is refused naming the run and the method.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ivlp", "maple"})
    void streamRunsStoreClassFeaturesAndExportToBundlesThatAnswerAsTheRun(String method) throws IOException {
        Path stream = tmp.resolve(method);
        assertThat(Main.run("train", "-q", "--model", model.toString(), "--dataset", "oxford_pets", "--root",
                TinyRun.DEMO.toString(), "--shots", "2", "--seed", "1", "--preset", method, "--epochs", "1", "--workers", "1",
                "--out", stream.toString())).isZero();
        assertThat(stream.resolve(RunDirectory.CLASS_FEATURES)).exists();
        Path b = tmp.resolve(method + ".dpl4j");
        assertThat(Main.run("export", "-q", "--run", stream.toString(), "--out", b.toString())).isZero();
        assertThat(Bundle.readInfo(b).version()).isEqualTo(BundleInfo.VERSION_STREAM);
        assertThat(Bundle.readInfo(b).precision()).isEqualTo("fp32");
        assertThat(Bundle.readInfo(b).method()).isEqualTo(method);
        try (Classifier fromRun = Classifier.load(stream); Classifier fromBundle = Classifier.load(b)) {
            assertThat(probabilities(fromBundle)).isDeepEqualTo(probabilities(fromRun));
        }
    }

    @Test
    void aRunWhoseTextFeaturesReadTheImageIsRefusedByExport() throws IOException {
        Path cocoop = tmp.resolve("cocoop");
        assertThat(Main.run("train", "-q", "--model", model.toString(), "--dataset", "oxford_pets", "--root",
                TinyRun.DEMO.toString(), "--shots", "2", "--seed", "1", "--preset", "cocoop", "--epochs", "1", "--workers", "1",
                "--out", cocoop.toString())).isZero();
        assertThat(cocoop.resolve(RunDirectory.CLASS_FEATURES)).doesNotExist();
        assertThatThrownBy(() -> Bundle.fromRun(cocoop, null, Placement.CPU_FP32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("run " + cocoop + ": cocoop cannot be exported; bundles hold methods whose class text"
                        + " features are constants (every one but cocoop, whose text features depend on the image)");
    }
}
