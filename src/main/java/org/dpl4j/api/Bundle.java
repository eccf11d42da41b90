package org.dpl4j.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.ClipTransforms;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.model.WeightSchema;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptLearner.FrozenText;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.StreamPrompts;
import org.dpl4j.prompts.StreamMethod;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.run.Checksums;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.training.TrainedRun;
import org.dpl4j.util.Version;

/**
 * Everything a trained classifier needs at inference, in memory: the CLIP, the image prompts and the
 * class text features. Once prompts are trained the text side is constant, so the features are
 * computed once (from a run) and stored (in a bundle file); per image only the image encoder runs.
 *
 * <p>A bundle file is one safetensors file, written atomically: the {@value #FEATURES} (C, E), the
 * image prompts ({@code prompt.image.<layer>}), with {@code --with-model} the CLIP weights under
 * {@value #MODEL_PREFIX}, and a {@link BundleInfo} as JSON in the header metadata.
 *
 * <p>A bundle owns its CLIP, prompts and class features (native memory, freed by {@link #close()}),
 * whatever scope it was made in.
 */
public final class Bundle implements AutoCloseable {
    /** L2-normalised class text features (C, E), rows in {@link BundleInfo#classNames()} order. */
    public static final String FEATURES = "class_text_features";
    public static final String MODEL_PREFIX = "clip.";
    private static final String IMAGE_PROMPT_PREFIX = "prompt." + Branch.IMAGE.key() + ".";
    /** Every prompt tensor of a token-replacement method ({@link BundleInfo#VERSION_STREAM}). */
    private static final String STREAM_PROMPT_PREFIX = "prompts.";
    /** The dtypes a bundle's weights and features may have: fp32, or the precision of a bf16 or fp16 export. */
    private static final java.util.Set<ScalarType> FLOATING = java.util.EnumSet.of(ScalarType.Float, ScalarType.BFloat16,
            ScalarType.Half);

    private final BundleInfo info;
    private final Owned owned;
    private final ClipModel clip;
    private final PromptLearner prompts;
    private final FrozenText frozen;
    private final Tensor features;

    /**
     * Takes over {@code clip} and {@code prompts} (whose {@link PromptLearner#frozenText frozen text
     * side} the caller checked), and a reference to {@code features}.
     */
    private Bundle(BundleInfo info, ClipModel clip, PromptLearner prompts, Tensor features) {
        this.info = info;
        this.owned = new Owned();
        this.clip = clip;
        this.prompts = prompts;
        this.frozen = prompts.frozenText().orElseThrow();
        this.features = owned.own(features.detach());
        // inference only: no autograd graph through the prompts on the serving threads
        try (NoGrad g = NoGrad.open()) {
            prompts.parameters().values().forEach(p -> p.set_requires_grad(false));
        }
    }

    /**
     * A finished train run: its CLIP (checked against the SHA-256 in run.json), prompts, and the class
     * features its text encoder gives (read from the run's {@code class-features.safetensors} when
     * that was made for this model, precision and device, else computed). {@code model} replaces the recorded model path when not null.
     */
    public static Bundle fromRun(Path runDir, Path model, Placement placement) throws IOException {
        TrainedRun run = TrainedRun.read(runDir);
        JsonNode recorded = run.dir().readJson(RunDirectory.RUN);
        Path modelPath = model != null ? model : run.modelPath();
        String sha = checkModel(modelPath, recorded.path("model").path("sha256").asText(""),
                "run " + runDir + " was trained with", run.modelPath());
        ClipModel clip = run.loadModel(model, placement);
        PromptLearner learned = null;
        try (Scope s = Scope.open()) {
            learned = run.loadPrompts(clip);
            PromptLearner prompts = learned;
            FrozenText frozen = learned.frozenText().orElseThrow(() -> new IllegalArgumentException("run " + runDir + ": "
                    + recorded.path("method").asText("") + " cannot be exported; bundles hold methods whose class text"
                    + " features are constants (every one but cocoop, whose text features depend on the image)"));
            String method = recorded.path("method").asText("");
            // read from the run's class-features.safetensors when it matches, else computed
            Tensor features = run.classFeatures(clip, prompts, run.classNames(), run.dataset(), sha, m -> {});
            BundleInfo info = new BundleInfo(BundleInfo.FORMAT,
                    StreamMethod.named(method).isPresent() ? BundleInfo.VERSION_STREAM : BundleInfo.VERSION,
                    runDir.toAbsolutePath().toString(), run.dataset(), method, run.classNames(), frozen.config(), clip.scale(),
                    preprocessing(clip.config()),
                    new BundleInfo.Model(modelPath.toAbsolutePath().toString(), sha, clip.config(), false, null),
                    clip.placement().precision().label(), Instant.now().toString(), Version.get());
            return new Bundle(info, clip, prompts, features);
        } catch (IOException | RuntimeException e) {
            if (learned != null) {
                learned.close();
            }
            clip.close();
            throw e;
        }
    }

    /**
     * Reads a bundle file. Without embedded weights the CLIP is loaded from {@code model} (or the
     * recorded path) onto {@code placement} and must have the recorded SHA-256; embedded weights must
     * match theirs and keep the device and precision they were exported in.
     */
    public static Bundle read(Path file, Path model, Placement placement) throws IOException {
        BundleInfo info = readInfo(file);
        ClipModel clip = null;
        try (Scope s = Scope.open()) {
            Map<String, Tensor> tensors = Safetensors.read(file);
            ClipConfig cfg = info.model().config();
            if (info.model().embedded()) {
                if (model != null) {
                    throw new IOException("bundle " + file + " carries its model; --model is only for bundles exported without --with-model");
                }
                clip = ClipModel.of(embeddedWeights(file, info, tensors));
            } else {
                Path p = model != null ? model : Path.of(info.model().path());
                checkModel(p, info.model().sha256(), "bundle " + file + " was exported with", Path.of(info.model().path()));
                clip = ClipLoader.load(p, cfg, placement);
            }
            Tensor features = tensors.get(FEATURES);
            Shape expected = new Shape(info.classNames().size(), cfg.embedDim());
            if (features == null || !Shape.of(features).equals(expected) || !FLOATING.contains(Tensors.dtype(features))) {
                throw new IOException("bundle " + file + ": tensor " + FEATURES + " is "
                        + (features == null ? "missing" : Shape.of(features).toString()) + ", expected " + expected);
            }
            PromptLearner prompts;
            try {
                prompts = promptsOf(info, tensors, clip);
            } catch (IllegalArgumentException e) {
                throw new IOException("bundle " + file + ": " + e.getMessage(), e);
            }
            return new Bundle(info, clip, prompts, features.to(clip.device(), Tensors.dtype(features)));
        } catch (IOException | RuntimeException e) {
            if (clip != null) {
                clip.close();
            }
            throw e;
        }
    }

    /** The bundle's prompts: a token-replacement method's by its name, else the key/value image prompts. */
    private static PromptLearner promptsOf(BundleInfo info, Map<String, Tensor> tensors, ClipModel clip) {
        boolean stream = info.version() == BundleInfo.VERSION_STREAM;
        String prefix = stream ? STREAM_PROMPT_PREFIX : IMAGE_PROMPT_PREFIX;
        Map<String, Tensor> prompts = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                prompts.put(stream ? name.substring(prefix.length()) : name, t);
            }
        });
        if (!stream) {
            return DeepPrompts.of(prompts, clip);
        }
        StreamMethod m = StreamMethod.named(info.method()).orElseThrow(() -> new IllegalArgumentException("method '"
                + info.method() + "' is not one whose prompts this dpl4j rebuilds"));
        return StreamPrompts.of(m.id(), m.coupled(), prompts, clip);
    }

    /** The bundle metadata of {@code file}, without reading its tensors. */
    public static BundleInfo readInfo(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("bundle not found: " + file + (Files.isDirectory(file) ? " is a folder (a run? use it as a run)" : ""));
        }
        String json;
        try {
            json = Safetensors.metadata(file).get(BundleInfo.KEY);
        } catch (IOException e) {
            throw new IOException(file + ": not a dpl4j bundle (" + e.getMessage() + ")", e);
        }
        if (json == null) {
            throw new IOException(file + ": not a dpl4j bundle (no " + BundleInfo.KEY + " metadata; make one with dpl4j export)");
        }
        BundleInfo info;
        try {
            info = Json.LINE.readValue(json, BundleInfo.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": bundle metadata is not valid: " + e.getOriginalMessage(), e);
        }
        if (!BundleInfo.FORMAT.equals(info.format()) || (info.version() != BundleInfo.VERSION_WITHOUT_PRECISION
                && info.version() != BundleInfo.VERSION && info.version() != BundleInfo.VERSION_STREAM)) {
            throw new IOException(file + ": bundle format " + info.format() + " v" + info.version() + ", this dpl4j reads "
                    + BundleInfo.FORMAT + " v" + BundleInfo.VERSION_WITHOUT_PRECISION + ", v" + BundleInfo.VERSION + " and v"
                    + BundleInfo.VERSION_STREAM);
        }
        if (info.layout() == null || info.preprocessing() == null || info.model() == null || info.model().config() == null) {
            throw new IOException(file + ": bundle metadata without " + (info.layout() == null ? "layout"
                    : info.preprocessing() == null ? "preprocessing" : info.model() == null ? "model" : "model.config"));
        }
        if (info.preprocessing().resolution() != info.model().config().imageResolution()) {
            throw new IOException(file + ": preprocessing.resolution " + info.preprocessing().resolution()
                    + " is not the model's image_resolution " + info.model().config().imageResolution());
        }
        if (!SampleTransforms.PROMPT_LEARNING.name().equals(info.preprocessing().decodeOrder())) {
            throw new IOException(file + ": preprocessing.decodeOrder " + info.preprocessing().decodeOrder()
                    + " is not supported (only " + SampleTransforms.PROMPT_LEARNING.name() + ")");
        }
        return info;
    }

    /**
     * Random CLIP weights, prompts and unit class features of the given dimensions: for load tests
     * at a real model's size (ViT-B/16) without its weights; the answers mean nothing.
     */
    public static Bundle random(ClipConfig cfg, PromptConfig layout, int classes, long seed) {
        ClipModel clip = RandomWeights.model(cfg, seed);
        try (Scope s = Scope.open()) {
            DeepPrompts prompts = DeepPrompts.init(layout, clip, 0.02f, seed);
            Random rng = new Random(seed);
            float[] v = new float[classes * cfg.embedDim()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rng.nextGaussian();
            }
            Tensor features = ClipModel.normalize(Tensors.floats(v, clip.device(), classes, cfg.embedDim()));
            return new Bundle(randomInfo(cfg, layout, classes, seed, clip.scale()), clip, prompts, features);
        } catch (RuntimeException e) {
            clip.close();
            throw e;
        }
    }

    private static BundleInfo randomInfo(ClipConfig cfg, PromptConfig layout, int classes, long seed, float scale) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class " + c);
        }
        BundleInfo info = new BundleInfo(BundleInfo.FORMAT, BundleInfo.VERSION, "random weights (seed " + seed + ")", "none",
                "random", names, layout, scale, preprocessing(cfg), new BundleInfo.Model("random", "", cfg, true, ""),
                "fp32", Instant.now().toString(), Version.get());
        return info;
    }

    /** Writes this bundle to {@code out} atomically; {@code withModel} embeds the CLIP weights. */
    public void write(Path out, boolean withModel) throws IOException {
        if (Files.isDirectory(out)) {
            throw new IOException("--out " + out + " is a folder; a bundle is one file");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(FEATURES, features);
        boolean stream = info.version() == BundleInfo.VERSION_STREAM;
        prompts.parameters().forEach((name, t) -> {
            if (stream) {
                tensors.put(STREAM_PROMPT_PREFIX + name, t);
            } else if (name.startsWith(IMAGE_PROMPT_PREFIX)) {
                tensors.put(name, t);
            }
        });
        BundleInfo written = info;
        if (withModel) {
            Map<String, Tensor> weights = new TreeMap<>(clip.weights().tensors());
            weights.forEach((name, t) -> tensors.put(MODEL_PREFIX + name, t));
            BundleInfo.Model m = info.model();
            written = withModel(info, new BundleInfo.Model(m.path(), m.sha256(), m.config(), true, sha256(weights)));
        }
        Safetensors.write(out, tensors, Map.of(BundleInfo.KEY, Json.LINE.writeValueAsString(written)));
    }

    private static BundleInfo withModel(BundleInfo i, BundleInfo.Model model) {
        return new BundleInfo(i.format(), i.version(), i.sourceRun(), i.dataset(), i.method(), i.classNames(), i.layout(),
                i.logitScale(), i.preprocessing(), model, i.precision(), i.created(), i.dpl4jVersion());
    }

    public BundleInfo info() {
        return info;
    }

    ClipModel clip() {
        return clip;
    }

    /** The prompts' frozen text side: the image encoder the class features go with. */
    FrozenText frozen() {
        return frozen;
    }

    /** The class text features (C, E), owned by this bundle. */
    Tensor features() {
        return features;
    }

    @Override
    public void close() {
        prompts.close();
        owned.close();
        clip.close();
    }

    private static BundleInfo.Preprocessing preprocessing(ClipConfig cfg) {
        int r = cfg.imageResolution();
        return new BundleInfo.Preprocessing(r, SampleTransforms.PROMPT_LEARNING.name(),
                "bicubic (Pillow, antialiased) of the shorter side to " + r, "centre " + r + "x" + r,
                ClipTransforms.mean(), ClipTransforms.std());
    }

    /**
     * Hashes {@code model} and compares it with {@code expected} (skipped when nothing was recorded);
     * returns the hash. The error names both files and both hashes.
     */
    private static String checkModel(Path model, String expected, String what, Path recordedPath) throws IOException {
        if (!Files.exists(model)) {
            throw new IOException(what + " model " + recordedPath + ", which no longer exists"
                    + (model.equals(recordedPath) ? "" : " (nor does " + model + ")") + "; pass --model");
        }
        String actual = Checksums.sha256(model);
        if (!expected.isEmpty() && !expected.equals(actual)) {
            throw new IOException(what + " model " + recordedPath + " (SHA-256 " + expected + "), but " + model
                    + " has SHA-256 " + actual + "; pass --model with the model it was made with");
        }
        return actual;
    }

    private static ClipWeights embeddedWeights(Path file, BundleInfo info, Map<String, Tensor> tensors) throws IOException {
        Map<String, Tensor> weights = new TreeMap<>();
        tensors.forEach((name, t) -> {
            if (name.startsWith(MODEL_PREFIX)) {
                weights.put(name.substring(MODEL_PREFIX.length()), t);
            }
        });
        ClipConfig cfg = info.model().config();
        WeightSchema.checkLayers(cfg, weights.size(), "bundle " + file);
        ScalarType dtype = null;
        for (Map.Entry<String, Shape> e : WeightSchema.expected(cfg).entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null || !Shape.of(t).equals(e.getValue())) {
                throw new IOException("bundle " + file + ": embedded tensor " + MODEL_PREFIX + e.getKey() + " is "
                        + (t == null ? "missing" : Shape.of(t).toString()) + ", expected " + e.getValue());
            }
            // the checksum covers bytes, not dtypes: a weight read as integers or in another precision than the rest
            // would only fail inside the first forward pass
            ScalarType type = Tensors.dtype(t);
            if (!FLOATING.contains(type) || (dtype != null && type != dtype)) {
                throw new IOException("bundle " + file + ": embedded tensor " + MODEL_PREFIX + e.getKey() + " is " + type
                        + (dtype == null ? ", not a floating-point type" : ", the other weights " + dtype));
            }
            dtype = type;
        }
        String actual = sha256(weights);
        if (!actual.equals(info.model().embeddedSha256())) {
            throw new IOException("bundle " + file + ": the embedded model's SHA-256 is " + actual + ", the bundle records "
                    + info.model().embeddedSha256() + " (the file is damaged)");
        }
        return new ClipWeights(cfg, weights, null, file);
    }

    /** SHA-256 over each tensor's name and little-endian bytes, in name order. */
    static String sha256(Map<String, Tensor> tensors) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, Tensor> e : new TreeMap<>(tensors).entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update(Tensors.toBytes(e.getValue()));
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
