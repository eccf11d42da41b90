package org.dpl4j.api;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.ClipTransforms;
import org.dpl4j.data.image.DecodeOrder;
import org.dpl4j.data.image.ImageDecoder;
import org.dpl4j.data.image.InvalidImageException;
import org.dpl4j.tensor.CpuFeatures;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.PromptedClassifier;
import org.dpl4j.util.EngineSetup;

/**
 * A trained DPL classifier for use as a library: load a train run or an exported bundle once, then
 * classify images into top-k labels with probabilities.
 *
 * <pre>{@code
 * try (Classifier c = Classifier.load(Path.of("runs/pets"))) {
 *     for (Prediction p : c.classify(Path.of("cat.jpg"), 3)) {
 *         System.out.printf("%.3f %s%n", p.probability(), p.label());
 *     }
 * }
 * }</pre>
 *
 * <p>The class text features are computed (run) or read (bundle) once at load; each call runs only
 * the image encoder. Images are decoded and preprocessed exactly as {@code dpl4j predict} and the
 * evaluation do ({@link SampleTransforms#PROMPT_LEARNING}), so the answers are the same.
 *
 * <p>Thread-safe: decoding, preprocessing and the encoder run on the caller's thread, concurrently
 * (each batch without autograd, its tensors freed when it is done; the frozen model, prompts and
 * class features are only read). {@link #close()} waits for the batches running, then frees the
 * native memory; later calls throw {@link IllegalStateException}.
 */
public final class Classifier implements AutoCloseable {
    private static final DecodeOrder ORDER = SampleTransforms.PROMPT_LEARNING;

    private final Bundle bundle;
    private final PromptedClassifier forward;
    private final List<String> labels;
    private final int resolution;
    /** Batches hold the read lock, {@link #close()} the write lock. */
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private Classifier(Bundle bundle) {
        this.bundle = bundle;
        this.forward = new PromptedClassifier(bundle.clip(), bundle.frozen(), bundle.features());
        this.labels = bundle.info().classNames();
        this.resolution = bundle.info().preprocessing().resolution();
    }

    /**
     * Loads a train run directory or a bundle file (from {@code dpl4j export}) on the CPU, in the
     * precision {@code --precision auto} chooses there ({@link #defaultPlacement()}).
     */
    public static Classifier load(Path runOrBundle) throws IOException {
        return load(runOrBundle, null);
    }

    /** The CPU, bf16 where it has AMX-BF16 or AVX512-BF16, else fp32: what {@code dpl4j serve} uses by default. */
    public static Placement defaultPlacement() {
        return new Placement(DeviceSpec.CPU, Precision.resolve(System.getProperty("dpl4j.precision", "auto"), DeviceSpec.CPU,
                CpuFeatures.detect()));
    }

    /**
     * As {@link #load(Path)}, with the CLIP weights at {@code model} instead of the recorded path (for
     * a bundle exported without {@code --with-model} that was moved to another machine); its SHA-256
     * must still be the recorded one.
     */
    public static Classifier load(Path runOrBundle, Path model) throws IOException {
        return load(runOrBundle, model, defaultPlacement());
    }

    /**
     * As {@link #load(Path, Path)}, the model on {@code placement} (a bundle with embedded weights
     * keeps the precision it was exported in).
     */
    public static Classifier load(Path runOrBundle, Path model, Placement placement) throws IOException {
        EngineSetup.configure();
        Bundle b = Files.isDirectory(runOrBundle) ? Bundle.fromRun(runOrBundle, model, placement)
                : Bundle.read(runOrBundle, model, placement);
        return of(b);
    }

    /** A classifier over a bundle already in memory (e.g. {@link Bundle#random}); it takes the bundle over. */
    public static Classifier of(Bundle bundle) {
        try {
            return new Classifier(bundle);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    /** The class names, in index order. */
    public List<String> labels() {
        return labels;
    }

    /** What the classifier was made from (classes, layout, preprocessing, model). */
    public BundleInfo info() {
        return bundle.info();
    }

    public List<Prediction> classify(BufferedImage image, int topK) {
        return top(probabilities(List.of(preprocess(image)))[0], topK);
    }

    /** Decodes the file as training did; {@link InvalidImageException} names it when it is no image. */
    public List<Prediction> classify(Path file, int topK) throws IOException {
        return top(probabilities(List.of(preprocess(ORDER.prepare(ImageDecoder.read(file)))))[0], topK);
    }

    /** An encoded image (PNG, JPEG, GIF, BMP) in memory. */
    public List<Prediction> classify(byte[] encoded, int topK) throws IOException {
        return top(probabilities(List.of(decode(encoded, "(bytes)", ImageDecoder.MAX_PIXELS)))[0], topK);
    }

    /** Several images through the encoder as one batch; answers in input order. */
    public List<List<Prediction>> classifyAll(List<BufferedImage> images, int topK) {
        List<float[]> px = new ArrayList<>();
        for (BufferedImage img : images) {
            px.add(preprocess(img));
        }
        List<List<Prediction>> out = new ArrayList<>();
        for (float[] p : probabilities(px)) {
            out.add(top(p, topK));
        }
        return out;
    }

    // ---- the two halves of classify, for callers that batch requests themselves (the HTTP server)

    /** A decoded image made into the encoder's input (3 × r × r floats); thread-safe, no native memory. */
    public float[] preprocess(BufferedImage image) {
        return ClipTransforms.test(ORDER.prepare(image), resolution);
    }

    /**
     * Decodes and preprocesses an encoded image, refusing before decoding one whose header declares
     * more than {@code maxPixels} pixels ({@link org.dpl4j.data.image.ImageTooLargeException}).
     */
    public float[] decode(byte[] encoded, String source, long maxPixels) throws InvalidImageException {
        return preprocess(ImageDecoder.read(encoded, source, maxPixels));
    }

    /** Softmax probabilities (one row per image, {@link #labels()} order) of preprocessed images, as one batch. */
    public float[][] probabilities(List<float[]> preprocessed) {
        int n = preprocessed.size();
        int size = 3 * resolution * resolution;
        float[] pixels = new float[n * size];
        for (int i = 0; i < n; i++) {
            float[] p = preprocessed.get(i);
            if (p.length != size) {
                throw new IllegalArgumentException("image " + i + " has " + p.length + " values, expected 3x" + resolution + "x" + resolution);
            }
            System.arraycopy(p, 0, pixels, i * size, size);
        }
        float[] flat;
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the classifier is closed");
            }
            try (Scope s = Scope.open(); NoGrad g = NoGrad.open()) {
                flat = Tensors.toFloats(forward.logits(pixels, n).softmax(1));
            }
        } finally {
            lock.readLock().unlock();
        }
        float[][] out = new float[n][];
        int c = labels.size();
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        }
        return out;
    }

    /** The {@code k} most probable classes, most probable first (ties: lower index first). */
    public List<Prediction> top(float[] probabilities, int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("top-k must be positive, got " + k);
        }
        Integer[] idx = new Integer[probabilities.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, idx.length); i++) {
            out.add(new Prediction(labels.get(idx[i]), idx[i], probabilities[idx[i]]));
        }
        return out;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            forward.close();
            bundle.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
