package org.dpl4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.BadSampleException;
import org.dpl4j.data.image.DecodeOrder;
import org.dpl4j.model.ClipModel;
import org.dpl4j.run.Json;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.training.FeatureExtractor;
import org.dpl4j.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dpl4j embed}: CLIP features of texts and image files written to a safetensors file, so that
 * other tools (retrieval, plotting, a Python notebook) can use the encoders without reimplementing
 * tokenizer, preprocessing or weight loading.
 *
 * <p>The file holds {@code text_features} (T, E) and {@code image_features} (I, E), unnormalised,
 * rows in the order the inputs were given; a tensor is absent when there are no inputs of its kind.
 * The metadata keys {@code texts} and {@code images} hold JSON arrays of the texts and of the image
 * paths as given, {@code model} the model path, {@code precision} the precision the CLIP computed them in
 * ({@code fp32} unless {@code --precision bf16} was asked for: {@code auto} means fp32 here, since other
 * tools expect CLIP's own features) and {@code device} where.
 */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write CLIP text and image features (unnormalised, in input order) to a safetensors file.",
            "Tensors: text_features (T, E), image_features (I, E); metadata: texts, images (JSON arrays), model, precision, device.",
            "--precision auto means fp32 here: CLIP's own features, as other tools expect them."})
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--text", paramLabel = "T", description = "a text to embed (repeatable)")
    List<String> texts = new ArrayList<>();

    @Option(names = "--image", paramLabel = "FILE", description = "an image file to embed (repeatable)")
    List<Path> images = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "output file (replaced atomically)")
    Path out;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N",
            description = "inputs per forward pass. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (texts.isEmpty() && images.isEmpty()) {
            throw new IllegalArgumentException("nothing to embed: give at least one --text or --image");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        for (Path image : images) {
            if (!Files.isRegularFile(image)) {
                throw new IOException("image file not found: " + image);
            }
        }
        if (Files.isDirectory(out)) {
            throw new IOException("--out is a folder: " + out);
        }
        model.check();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int dim;
        Placement placement = engine.exactPlacement();
        try (Scope s = Scope.open(); ClipModel clip = model.load(placement)) {
            dim = clip.config().embedDim();
            if (!texts.isEmpty()) {
                try (Progress p = engine.progress().start("text features", texts.size())) {
                    tensors.put("text_features", FeatureExtractor.texts(clip, texts, batch, p));
                }
            }
            if (!images.isEmpty()) {
                try (Progress p = engine.progress().start("image features", images.size())) {
                    // Embeddings as OpenAI's clip.load preprocess gives them (the golden embedding cases).
                    tensors.put("image_features", FeatureExtractor.images(clip, images, DecodeOrder.OPENAI, batch, p));
                } catch (BadSampleException e) {
                    throw new IOException(e.getCause().getMessage(), e);
                }
            }
            Safetensors.write(out, tensors, metadata(clip.placement()));
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("wrote %d text and %d image features (dim %d) to %s%n", texts.size(), images.size(), dim, out);
        stdout.flush();
        return 0;
    }

    private Map<String, String> metadata(Placement placement) throws JsonProcessingException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("texts", Json.LINE.writeValueAsString(texts));
        meta.put("images", Json.LINE.writeValueAsString(images.stream().map(Path::toString).toList()));
        meta.put("model", model.model.toString());
        meta.put("precision", placement.precision().label());
        meta.put("device", placement.device().toString());
        return meta;
    }
}
