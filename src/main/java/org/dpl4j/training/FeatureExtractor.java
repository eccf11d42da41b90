package org.dpl4j.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.Sample;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.DecodeOrder;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.text.ClipTokenizer;
import org.dpl4j.prompts.Templates;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.util.Progress;

/**
 * Plain CLIP features (no prompts, not normalised, fp32 whatever the weights' precision) of raw
 * inputs: strings through the CLIP tokenizer, image files through the CLIP test transform. Inputs
 * are encoded in chunks of {@code batch}, without autograd, so that memory stays bounded however many
 * there are; each chunk's intermediates live in their own scope and only the (N, E) result is kept
 * in the caller's.
 */
public final class FeatureExtractor {
    private FeatureExtractor() {}

    /**
     * Text features (N, E), row i for {@code texts.get(i)}, in the caller's scope. Texts longer than
     * the context are cut as {@code clip.tokenize(truncate=True)} does.
     */
    public static Tensor texts(ClipModel clip, List<String> texts, int batch, Progress progress) {
        requireInputs(texts, batch);
        ClipTokenizer tok = ClipTokenizer.load();
        int ctx = clip.config().contextLength();
        try (Scope all = Scope.open(); NoGrad g = NoGrad.open()) {
            List<Tensor> parts = new ArrayList<>();
            for (int from = 0; from < texts.size(); from += batch) {
                List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batch));
                try (Scope step = Scope.open()) {
                    Tensor f = Tensors.fp32(clip.text().encode(tok.tokenize(chunk, ctx), BlockAttention.PLAIN));
                    parts.add(step.keep(f));
                }
                progress.step(chunk.size(), null);
            }
            return all.keep(rows(parts));
        }
    }

    /**
     * Image features (N, E) of image files at the model's resolution, row i for {@code files.get(i)},
     * in the caller's scope. Files are decoded on background threads.
     *
     * @throws org.dpl4j.data.BadSampleException naming the first file that cannot be read as an image
     */
    public static Tensor images(ClipModel clip, List<Path> files, DecodeOrder order, int batch, Progress progress) {
        requireInputs(files, batch);
        List<Sample> samples = files.stream().map(f -> new Sample(f.toAbsolutePath().normalize(), 0, "")).toList();
        int resolution = clip.config().imageResolution();
        try (BatchLoader loader = BatchLoader.builder(samples, SampleTransforms.test(resolution, order))
                        .batchSize(batch).inOrder().onBadSample(BadSamplePolicy.FAIL).build();
                BatchLoader.Epoch epoch = loader.epoch(0);
                Scope all = Scope.open();
                NoGrad g = NoGrad.open()) {
            List<Tensor> parts = new ArrayList<>();
            while (epoch.hasNext()) {
                Batch b = epoch.next();
                try (Scope step = Scope.open()) {
                    parts.add(step.keep(pixels(clip, b.pixels(), b.size())));
                }
                progress.step(b.size(), null);
            }
            return all.keep(rows(parts));
        }
    }

    /**
     * Image features (count, E), fp32, of {@code count} preprocessed images (CHW floats, concatenated),
     * in the caller's scope; callers outside this class run it under a {@code NoGrad}.
     */
    public static Tensor pixels(ClipModel clip, float[] pixels, int count) {
        int r = clip.config().imageResolution();
        return images(clip, Tensors.floats(pixels, clip.device(), count, 3, r, r));
    }

    /**
     * Image features (B, E), fp32, of a batch of preprocessed images (B, 3, R, R) on the model's
     * device, in the caller's scope; callers outside this class run it under a {@code NoGrad}.
     */
    public static Tensor images(ClipModel clip, Tensor images) {
        return Tensors.fp32(clip.image().encode(images, BlockAttention.PLAIN));
    }

    /**
     * Text features (T, C, E) of every class name filled into every template, entry [t][c] for
     * {@code templates.get(t)} and {@code classNames.get(c)}, in the caller's scope: the input of
     * every template ensemble (zero-shot CLIP's, PromptSRC's frozen text features). The
     * {@code T·C} texts are encoded {@code batch} at a time, all templates sharing the chunks, so
     * few classes still make full batches; the progress task counts texts.
     */
    public static Tensor templates(ClipModel clip, List<String> classNames, List<String> templates, int batch,
            Progress.Factory progress) {
        if (classNames.isEmpty() || templates.isEmpty()) {
            throw new IllegalArgumentException("a template ensemble needs at least one class and one template");
        }
        List<String> texts = new ArrayList<>(templates.size() * classNames.size());
        for (String template : templates) {
            for (String c : classNames) {
                texts.add(Templates.fill(template, c));
            }
        }
        try (Progress p = progress.start("text features", texts.size())) {
            return texts(clip, texts, batch, p).reshape(templates.size(), classNames.size(), -1);
        }
    }

    private static void requireInputs(List<?> inputs, int batch) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("nothing to encode");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
    }

    private static Tensor rows(List<Tensor> parts) {
        return parts.size() == 1 ? parts.get(0) : Tensors.cat(parts, 0);
    }
}
