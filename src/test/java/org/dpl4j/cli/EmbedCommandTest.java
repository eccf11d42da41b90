package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code dpl4j embed} against golden/embed_cases.safetensors (the reference pipeline from files:
 * tokenizer, PIL preprocessing, encoders), and its one-line errors. Tolerance 1e-4 absolute, as
 * for the other golden parity tests.
 */
class EmbedCommandTest {
    static final float TOL = 1e-4f;
    static final ObjectMapper JSON = new ObjectMapper();
    static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    @TempDir
    Path dir;

    /** Batch 2 and 4 split the 5 texts and 6 images into several forward passes. */
    @ParameterizedTest
    @CsvSource({"tiny-clip, 32", "tiny-clip, 2", "tiny-clip.pt, 4"})
    void reproducesGoldenEmbedCases(String model, int batch) throws Exception {
        Map<String, String> meta = Golden.metadata("embed_cases.safetensors");
        List<String> texts = JSON.readValue(meta.get("texts"), STRINGS);
        List<String> imageNames = JSON.readValue(meta.get("images"), STRINGS);
        Path preprocess = Shared.require("golden/preprocess");
        Path out = dir.resolve("features.safetensors");
        List<String> args = new ArrayList<>(List.of("embed", "-q", "--model", Shared.require("golden/" + model).toString(),
                "--out", out.toString(), "--batch", String.valueOf(batch)));
        if (model.endsWith(".pt")) {
            // the .pt carries no config and tiny-clip's 2 heads cannot be inferred from its widths
            args.addAll(List.of("--model-config", Shared.require("golden/tiny-clip/config.json").toString()));
        }
        texts.forEach(t -> args.addAll(List.of("--text", t)));
        List<String> imagePaths = imageNames.stream().map(n -> preprocess.resolve(n).toString()).toList();
        imagePaths.forEach(p -> args.addAll(List.of("--image", p)));

        Cli.Result r = Cli.run(args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote 5 text and 6 image features (dim 32)");
        Map<String, String> written = Safetensors.metadata(out);
        assertThat(JSON.readValue(written.get("texts"), STRINGS)).isEqualTo(texts);
        assertThat(JSON.readValue(written.get("images"), STRINGS)).isEqualTo(imagePaths);
        try (Scope s = Scope.open()) {
            Map<String, Tensor> golden = Golden.tensors("embed_cases.safetensors");
            Map<String, Tensor> got = Safetensors.read(out);
            assertThat(got.keySet()).containsExactly("text_features", "image_features");
            float textErr = Golden.maxAbsDiff(got.get("text_features"), golden.get("text_features"));
            assertThat(textErr).isLessThanOrEqualTo(TOL);
            assertThat(Shape.of(got.get("image_features")).dims()).containsExactly(6, 32);
            float worstImage = 0;
            for (int i = 0; i < imageNames.size(); i++) {
                Tensor row = got.get("image_features").select(0, i);
                float imageErr = Golden.maxAbsDiff(row, golden.get("image:" + imageNames.get(i)));
                assertThat(imageErr).as(imageNames.get(i)).isLessThanOrEqualTo(TOL);
                worstImage = Math.max(worstImage, imageErr);
            }
            System.out.printf("embed parity %-12s batch %2d: text %.2e image %.2e%n", model, batch, textErr, worstImage);
        }
    }

    /**
     * {@code --precision auto} means fp32 for embed whatever the CPU (the tests otherwise default to
     * fp32 through -Ddpl4j.precision): CLIP's own features, within the golden tolerance; the file says
     * which precision computed them, bf16 too when asked for.
     */
    @ParameterizedTest
    @CsvSource({"auto, fp32", "bf16, bf16"})
    void autoMeansFp32AndTheFileRecordsThePrecision(String option, String recorded) throws Exception {
        Map<String, String> meta = Golden.metadata("embed_cases.safetensors");
        List<String> texts = JSON.readValue(meta.get("texts"), STRINGS);
        Path out = dir.resolve("features.safetensors");
        List<String> args = new ArrayList<>(List.of("embed", "-q", "--model", Shared.require("golden/tiny-clip").toString(),
                "--out", out.toString(), "--precision", option));
        texts.forEach(t -> args.addAll(List.of("--text", t)));

        Cli.Result r = Cli.run(args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, String> written = Safetensors.metadata(out);
        assertThat(written).containsEntry("precision", recorded).containsEntry("device", "cpu");
        try (Scope s = Scope.open()) {
            float err = Golden.maxAbsDiff(Safetensors.read(out).get("text_features"),
                    Golden.tensors("embed_cases.safetensors").get("text_features"));
            System.out.printf("embed --precision %s: text features max error %.2e against the golden fp32 ones%n", option, err);
            if (recorded.equals("fp32")) {
                assertThat(err).isLessThanOrEqualTo(TOL);
            } else {
                assertThat(err).as("bf16 really computed in bf16").isGreaterThan(TOL);
            }
        }
    }

    @Test
    void textsOnlyWritesNoImageTensor() throws Exception {
        Path out = dir.resolve("texts.safetensors");
        Cli.Result r = Cli.run("embed", "-q", "--model", Shared.require("golden/tiny-clip").toString(),
                "--text", "a photo of a cat.", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (Scope s = Scope.open()) {
            Map<String, Tensor> got = Safetensors.read(out);
            assertThat(got.keySet()).containsExactly("text_features");
            Tensor expected = Golden.tensors("embed_cases.safetensors").get("text_features").narrow(0, 0, 1);
            assertThat(Golden.maxAbsDiff(got.get("text_features"), expected)).isLessThanOrEqualTo(TOL);
        }
        assertThat(JSON.readValue(Safetensors.metadata(out).get("images"), STRINGS)).isEmpty();
    }

    @Test
    void nothingToEmbedIsOneLine() {
        Cli.Result r = Cli.run("embed", "--model", Shared.require("golden/tiny-clip").toString(),
                "--out", dir.resolve("x.safetensors").toString());
        assertOneLineError(r, "--text or --image");
    }

    @Test
    void fileThatIsNotAnImageIsOneLineNamingIt() throws Exception {
        Path fake = Files.writeString(dir.resolve("photo.png"), "this is text, not a PNG\n");
        Path out = dir.resolve("x.safetensors");
        // -q: the failure comes while the image progress bar would be showing
        Cli.Result r = Cli.run("embed", "-q", "--model", Shared.require("golden/tiny-clip").toString(),
                "--image", fake.toString(), "--out", out.toString());
        assertOneLineError(r, fake.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void missingImageFileIsOneLineNamingIt() {
        Path missing = dir.resolve("nowhere.jpg");
        Cli.Result r = Cli.run("embed", "--model", Shared.require("golden/tiny-clip").toString(),
                "--image", missing.toString(), "--out", dir.resolve("x.safetensors").toString());
        assertOneLineError(r, missing.toString());
    }

    @Test
    void missingModelIsOneLineNamingIt() {
        Path missing = dir.resolve("no-model");
        Cli.Result r = Cli.run("embed", "--model", missing.toString(), "--text", "a cat",
                "--out", dir.resolve("x.safetensors").toString());
        assertOneLineError(r, missing.toString());
    }

    static void assertOneLineError(Cli.Result r, String culprit) {
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("dpl4j ").contains("error: ").contains(culprit);
    }
}
