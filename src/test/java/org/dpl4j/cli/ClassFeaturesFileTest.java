package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.api.Classifier;
import org.dpl4j.api.Prediction;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.run.Checksums;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.training.ClassFeatures;
import org.dpl4j.training.TrainedRun;
import org.dpl4j.testutil.Shared;
import org.dpl4j.testutil.TinyRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} stores a deep-prompt run's frozen class text features ({@code class-features.safetensors});
 * {@code predict}, {@code eval} and the API read them instead of encoding the class texts when the file
 * was made from the same classes, templates, prompts and model, recompute them when it is stale or
 * missing (runs from before the file), and answer bit for bit the same either way.
 */
class ClassFeaturesFileTest {
    @TempDir
    static Path dir;
    static Path run;
    static List<Path> images;

    @BeforeAll
    static void train() throws IOException {
        run = TinyRun.train(dir.resolve("run"), Shared.require("golden/tiny-clip"));
        images = TinyRun.images(3);
    }

    static Path copy(String name) throws IOException {
        Path to = dir.resolve(name);
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(run)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    static Cli.Result predict(Path runDir) {
        List<String> args = new ArrayList<>(List.of("predict", "--timing", "--run", runDir.toString()));
        images.forEach(i -> args.add(i.toString()));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as("predict exit code; stderr: " + r.err()).isZero();
        return r;
    }

    static List<List<Prediction>> classify(Path runDir) throws IOException {
        try (Classifier c = Classifier.load(runDir)) {
            List<List<Prediction>> out = new ArrayList<>();
            for (Path img : images) {
                out.add(c.classify(img, c.labels().size()));
            }
            return out;
        }
    }

    @Test
    void trainWritesTheFrozenClassFeaturesWithTheClassesAndAHashOfThePrompts() throws IOException {
        Path file = run.resolve(RunDirectory.CLASS_FEATURES);
        assertThat(file).isRegularFile();
        JsonNode key = Json.LINE.readTree(Safetensors.metadata(file).get("dpl4j.class_features"));
        TrainedRun r = TrainedRun.read(run);
        List<String> names = new ArrayList<>();
        key.path("classNames").forEach(n -> names.add(n.asText()));
        assertThat(names).isEqualTo(r.classNames());
        assertThat(key.path("promptsSha256").asText()).isEqualTo(Checksums.sha256(run.resolve(RunDirectory.PROMPTS)));
        try (Scope s = Scope.open(); ClipModel clip = r.loadModel(null, Classifier.defaultPlacement());
                DeepPrompts prompts = (DeepPrompts) r.loadPrompts(clip)) {
            Tensor stored = Safetensors.read(file).get("class_text_features");
            Tensor recomputed = ClassFeatures.compute(clip, prompts, prompts.texts(clip, r.classNames(), r.templates(r.dataset())));
            assertThat(Tensors.shape(stored)).containsExactly(r.classNames().size(), clip.config().embedDim());
            assertThat(Tensors.toFloats(stored)).as("stored features vs DeepPrompts.textFeatures").isEqualTo(Tensors.toFloats(recomputed));
        }
    }

    @Test
    void predictAndEvalReadTheFileAndEncodeNoClassText() throws IOException {
        long before = ClassFeatures.computed();
        Cli.Result p = predict(run);
        assertThat(ClassFeatures.computed()).as("class text features computed by predict").isEqualTo(before);
        assertThat(p.err()).contains("class text features: read from").contains("timing text-features")
                .contains("timing model-load").contains("timing image-encode+classify");
        Cli.Result e = Cli.run("eval", "--run", copy("eval").toString());
        assertThat(e.exitCode()).isZero();
        assertThat(ClassFeatures.computed()).as("class text features computed by eval").isEqualTo(before);
        assertThat(e.err()).contains("class text features: read from");
    }

    @Test
    void theFilesValuesAreWhatPredictionsUse() throws IOException {
        Path permuted = copy("permuted");
        Path file = permuted.resolve(RunDirectory.CLASS_FEATURES);
        Map<String, String> meta = Safetensors.metadata(file);
        try (Scope s = Scope.open()) {
            Tensor f = Safetensors.read(file).get("class_text_features");
            long c = f.size(0);
            long[] reversed = new long[(int) c];
            for (int i = 0; i < c; i++) {
                reversed[i] = c - 1 - i;
            }
            Tensor flipped = f.index_select(0, Tensors.longs(reversed, f.device(), c));
            Safetensors.write(file, Map.of("class_text_features", flipped), meta);
        }
        List<List<Prediction>> own = classify(run);
        List<List<Prediction>> flipped = classify(permuted);
        int c = own.get(0).size();
        for (int i = 0; i < images.size(); i++) {
            for (Prediction p : own.get(i)) {
                Prediction q = flipped.get(i).stream().filter(x -> x.index() == c - 1 - p.index()).findFirst().orElseThrow();
                assertThat(q.probability()).as("image %d class %d", i, p.index()).isCloseTo(p.probability(),
                        org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
        assertThat(flipped.get(0).get(0).index()).isNotEqualTo(own.get(0).get(0).index());
    }

    @Test
    void aFileOfOtherPromptsIsStaleAndRecomputed() throws IOException {
        Path stale = copy("stale");
        Path noFile = copy("stale-without-file");
        for (Path d : List.of(stale, noFile)) {
            Path prompts = d.resolve(RunDirectory.PROMPTS);
            Map<String, String> meta = Safetensors.metadata(prompts);
            try (Scope s = Scope.open()) {
                Map<String, Tensor> changed = new LinkedHashMap<>();
                Safetensors.read(prompts).forEach((name, t) -> changed.put(name, name.startsWith("prompt.text.") ? t.mul(
                        new org.bytedeco.pytorch.Scalar(3.0)) : t));
                Safetensors.write(prompts, changed, meta);
            }
        }
        Files.delete(noFile.resolve(RunDirectory.CLASS_FEATURES));
        long before = ClassFeatures.computed();
        Cli.Result p = predict(stale);
        assertThat(p.err()).contains("class text features: computing them (class-features.safetensors was made for the prompts differ");
        assertThat(ClassFeatures.computed()).isEqualTo(before + 1);
        assertThat(p.out()).isEqualTo(predict(noFile).out()).isNotEqualTo(predict(run).out());
    }

    @Test
    void predictionsAreBitIdenticalWithAndWithoutTheFile() throws IOException {
        Path old = copy("old-run");
        Files.delete(old.resolve(RunDirectory.CLASS_FEATURES)); // a run from before the file
        long before = ClassFeatures.computed();
        Cli.Result p = predict(old);
        assertThat(p.err()).contains("class text features: computing them (the run has no class-features.safetensors)");
        assertThat(ClassFeatures.computed()).isEqualTo(before + 1);
        assertThat(p.out()).isEqualTo(predict(run).out());
        assertThat(classify(old)).as("API predictions, probabilities exact").isEqualTo(classify(run));
        assertThat(old.resolve(RunDirectory.CLASS_FEATURES)).doesNotExist(); // reading never writes into the run
    }
}
