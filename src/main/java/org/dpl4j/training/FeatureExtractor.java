package org.dpl4j.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.Sample;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.DecodeOrder;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.text.ClipTokenizer;
import org.dpl4j.util.Progress;

/**
 * Plain CLIP features (no prompts, not normalised) of raw inputs: strings through the CLIP
 * tokenizer, image files through the CLIP test transform. Inputs are encoded in chunks of
 * {@code batch} so that memory stays bounded however many there are; each chunk's intermediates
 * live in their own scope and only the (N, E) result is kept in the caller's.
 */
public final class FeatureExtractor {
    private FeatureExtractor() {}

    /**
     * Text features (N, E), row i for {@code texts.get(i)}, attached to {@code scope}. Texts longer
     * than the context are cut as {@code clip.tokenize(truncate=True)} does.
     */
    public static NDArray texts(ClipModel clip, List<String> texts, int batch, NDManager scope, Progress progress) {
        requireInputs(texts, batch);
        ClipTokenizer tok = ClipTokenizer.load();
        int ctx = clip.config().contextLength();
        List<NDArray> parts = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += batch) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batch));
            try (NDManager step = scope.newSubManager()) {
                NDArray f = clip.text().encode(step, tok.tokenize(chunk, ctx), BlockAttention.PLAIN);
                f.attach(scope);
                parts.add(f);
            }
            progress.step(chunk.size(), null);
        }
        return rows(parts);
    }

    /**
     * Image features (N, E) of image files at the model's resolution, row i for {@code files.get(i)},
     * attached to {@code scope}. Files are decoded on background threads.
     *
     * @throws org.dpl4j.data.BadSampleException naming the first file that cannot be read as an image
     */
    public static NDArray images(ClipModel clip, List<Path> files, DecodeOrder order, int batch, NDManager scope,
            Progress progress) {
        requireInputs(files, batch);
        List<Sample> samples = files.stream().map(f -> new Sample(f.toAbsolutePath().normalize(), 0, "")).toList();
        int resolution = clip.config().imageResolution();
        List<NDArray> parts = new ArrayList<>();
        try (BatchLoader loader = BatchLoader.builder(samples, SampleTransforms.test(resolution, order))
                        .batchSize(batch).inOrder().onBadSample(BadSamplePolicy.FAIL).build();
                BatchLoader.Epoch epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                Batch b = epoch.next();
                try (NDManager step = scope.newSubManager()) {
                    NDArray f = pixels(clip, step, b.pixels(), b.size());
                    f.attach(scope);
                    parts.add(f);
                }
                progress.step(b.size(), null);
            }
        }
        return rows(parts);
    }

    /** Image features (count, E) of {@code count} preprocessed images (CHW floats, concatenated). */
    public static NDArray pixels(ClipModel clip, NDManager scope, float[] pixels, int count) {
        int r = clip.config().imageResolution();
        NDArray images = scope.create(pixels, new Shape(count, 3, r, r));
        return clip.image().encode(images, BlockAttention.PLAIN);
    }

    private static void requireInputs(List<?> inputs, int batch) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("nothing to encode");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
    }

    private static NDArray rows(List<NDArray> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        NDArray all = NDArrays.concat(new NDList(parts), 0);
        parts.forEach(NDArray::close);
        return all;
    }
}
