package org.dpl4j.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptLearner.FrozenText;
import org.dpl4j.run.Checksums;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.io.Safetensors;

/**
 * The frozen class text features of a deep-prompt train run ({@link FrozenText#textFeatures}: unit
 * rows (C, E), fp32), saved by {@code train} in {@value RunDirectory#CLASS_FEATURES} so that
 * {@code predict}, {@code eval} and {@link org.dpl4j.api.Classifier} run only the image encoder.
 *
 * <p>The file's metadata holds the {@link Key} the features are a function of: the class names, the
 * templates, the prompts file's SHA-256, the model's SHA-256, its precision and device. A reader
 * uses the file only when its key equals the one it would compute with; otherwise (another class
 * list or dataset, prompts rewritten, another model, precision or device, a damaged file) it says
 * why and the features are computed as a run without the file (an older one) has them computed.
 * CoCoOp and MaPLe have no such constants (their text features depend on the image, or on coupled
 * prompts recomputed per forward) and never get the file.
 */
public final class ClassFeatures {
    static final String TENSOR = "class_text_features";
    static final String KEY = "dpl4j.class_features";
    private static final AtomicLong COMPUTED = new AtomicLong();

    private ClassFeatures() {}

    /**
     * What the features are made from.
     *
     * @param templatesSha256 SHA-256 of the templates, one per line, in order
     * @param promptsSha256 SHA-256 of the run's prompts file
     */
    public record Key(List<String> classNames, String templatesSha256, String promptsSha256, String modelSha256,
            String precision, String device) {

        /** The first field in which {@code other} differs from this key, or null. */
        String firstDifference(Key other) {
            if (!classNames.equals(other.classNames)) {
                return "class names " + other.classNames + ", not " + classNames;
            }
            if (!templatesSha256.equals(other.templatesSha256)) {
                return "other templates";
            }
            if (!promptsSha256.equals(other.promptsSha256)) {
                return "the prompts differ (prompts SHA-256 " + other.promptsSha256 + ", now " + promptsSha256 + ")";
            }
            if (!modelSha256.equals(other.modelSha256)) {
                return "another model (SHA-256 " + other.modelSha256 + ", now " + modelSha256 + ")";
            }
            if (!precision.equals(other.precision)) {
                return "precision " + other.precision + ", now " + precision;
            }
            if (!device.equals(other.device)) {
                return "device " + other.device + ", now " + device;
            }
            return null;
        }
    }

    /** The key of features of {@code prompts} (saved at {@code promptsFile}) on {@code clip} (of SHA-256 {@code modelSha256}). */
    public static Key key(Path promptsFile, ClipModel clip, String modelSha256, List<String> classNames, List<String> templates)
            throws IOException {
        return new Key(List.copyOf(classNames), sha256(String.join("\n", templates)), Checksums.sha256(promptsFile),
                modelSha256, clip.placement().precision().label(), clip.placement().device().toString());
    }

    /** Writes {@code features} (C, E) with their key into the run directory, atomically. */
    public static void write(RunDirectory run, Tensor features, Key key) throws IOException {
        Safetensors.write(run.file(RunDirectory.CLASS_FEATURES), Map.of(TENSOR, features),
                Map.of(KEY, Json.LINE.writeValueAsString(key)));
    }

    /**
     * The features the run directory holds for {@code key}, in the caller's scope on the CPU; empty,
     * after telling {@code log} why, when there is no file or it was made from something else.
     */
    public static Optional<Tensor> read(RunDirectory run, Key key, Consumer<String> log) {
        Path file = run.file(RunDirectory.CLASS_FEATURES);
        if (!run.has(RunDirectory.CLASS_FEATURES)) {
            log.accept("class text features: computing them (the run has no " + RunDirectory.CLASS_FEATURES + ")");
            return Optional.empty();
        }
        try {
            String json = Safetensors.metadata(file).get(KEY);
            if (json == null) {
                log.accept("class text features: computing them (" + file + " has no " + KEY + " metadata)");
                return Optional.empty();
            }
            Key stored = Json.LINE.readValue(json, Key.class);
            String why = key.firstDifference(stored);
            if (why != null) {
                log.accept("class text features: computing them (" + RunDirectory.CLASS_FEATURES + " was made for " + why + ")");
                return Optional.empty();
            }
            Tensor t = Safetensors.read(file).get(TENSOR);
            if (t == null || t.dim() != 2 || t.size(0) != key.classNames().size()) {
                log.accept("class text features: computing them (" + file + ": tensor " + TENSOR + " is "
                        + (t == null ? "missing" : Shape.of(t).toString()) + ")");
                return Optional.empty();
            }
            log.accept("class text features: read from " + file);
            return Optional.of(t);
        } catch (JsonProcessingException e) {
            log.accept("class text features: computing them (" + file + ": bad metadata: " + e.getOriginalMessage() + ")");
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.accept("class text features: computing them (" + file + " cannot be read: " + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    /** {@link FrozenText#textFeatures} of {@code texts}, counted ({@link #computed}). */
    public static Tensor compute(ClipModel clip, FrozenText prompts, ClassTexts texts) {
        COMPUTED.incrementAndGet();
        try (NoGrad g = NoGrad.open()) {
            return prompts.textFeatures(clip, texts);
        }
    }

    /** How many times this JVM computed class text features through {@link #compute} (tests check a read skips it). */
    public static long computed() {
        return COMPUTED.get();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
