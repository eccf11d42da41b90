package org.dpl4j.training;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.PromptLearner.FrozenText;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.PromptLearners;
import org.dpl4j.run.Checksums;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunIdentity;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.util.JsonProblem;

/** A finished train run read back from its directory, for {@code eval} and {@code predict}. */
public record TrainedRun(RunDirectory dir, Path modelPath, ClipConfig modelConfig, String dataset, Path root,
        String subsample, List<String> classNames, TrainSettings settings) {

    /**
     * Reads the run in {@code dir}; a run.json without what eval and predict need (the model's path, the
     * settings, the class names), or with values that do not read as theirs, is refused naming it. A run.json
     * without the model's dims ({@code model.config}) means the dims of the model file.
     */
    public static TrainedRun read(Path dir) throws IOException {
        RunDirectory run = new RunDirectory(dir);
        JsonNode info = RunIdentity.TRAIN.read(run, "pass the directory of a train run (dpl4j train --out)");
        if (!run.has(RunDirectory.PROMPTS)) {
            throw new IOException(dir + ": no " + RunDirectory.PROMPTS + " (the run has not finished; resume it with dpl4j train)");
        }
        Path file = run.file(RunDirectory.RUN);
        JsonNode names = info.path("classNames");
        if (!info.path("model").path("path").isTextual() || !info.path("settings").isObject() || !names.isArray()
                || names.isEmpty() || !info.path("dataset").isTextual() || !info.path("root").isTextual()) {
            throw new IOException(file + " does not record a finished train run (model.path, settings, classNames, dataset"
                    + " and root are required)");
        }
        List<String> classNames = new ArrayList<>();
        names.forEach(n -> classNames.add(n.asText()));
        try {
            JsonNode config = info.path("model").path("config");
            TrainedRun read = new TrainedRun(run, Path.of(info.path("model").path("path").asText()),
                    config.isMissingNode() || config.isNull() ? null : Json.PRETTY.treeToValue(config, ClipConfig.class),
                    info.path("dataset").asText(), Path.of(info.path("root").asText()), info.path("subsample").asText("all"),
                    classNames, Json.PRETTY.treeToValue(info.path("settings"), TrainSettings.class));
            read.templates(read.dataset()); // eval and predict build the class texts from these
            return read;
        } catch (JacksonException e) {
            throw new IOException(file + ": " + JsonProblem.of(e), e);
        } catch (InvalidPathException e) {
            throw new IOException(file + ": model.path or root is not a path (" + e.getReason() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": settings.textInput: " + e.getMessage(), e);
        }
    }

    /** Loads the run's CLIP (from {@code override} when given, else the recorded path) on the CPU in fp32. */
    public ClipModel loadModel(Path override) throws IOException {
        return loadModel(override, Placement.CPU_FP32);
    }

    /** Loads the run's CLIP (from {@code override} when given, else the recorded path) onto {@code placement}. */
    public ClipModel loadModel(Path override, Placement placement) throws IOException {
        Path p = override != null ? override : modelPath;
        if (!Files.exists(p)) {
            throw new IOException("the run's model " + p + " no longer exists; pass --model");
        }
        return ClipLoader.load(p, modelConfig, placement);
    }

    /** The learned prompts, on {@code clip}'s device. */
    public PromptLearner loadPrompts(ClipModel clip) throws IOException {
        return PromptLearners.load(dir.file(RunDirectory.PROMPTS), clip);
    }

    /**
     * The SHA-256 of the model a command loads ({@link #loadModel}): {@code override}'s, hashed, when
     * given, else the one run.json records for the recorded path (not re-hashed: the prompts are
     * trusted to belong to it just as well).
     */
    public String modelSha256(Path override) throws IOException {
        if (override != null) {
            return Checksums.sha256(override);
        }
        return dir.readJson(RunDirectory.RUN).path("model").path("sha256").asText("");
    }

    /** The templates of the run's text input for {@code dataset} (the run's own, or another's in cross-dataset eval). */
    public List<String> templates(String dataset) {
        return TrainJob.templates(settings.textInput(), dataset);
    }

    /**
     * A frozen classifier of the run's prompts over {@code classNames} of {@code dataset}: deep-prompt
     * layouts take their class text features from {@link #classFeatures}; CoCoOp and MaPLe encode
     * their class texts as always. What it reads lives in the caller's scope, which must outlive it.
     *
     * @param modelSha256 the SHA-256 of the model {@code clip} was loaded from ({@link #modelSha256})
     */
    public PromptedClassifier classifier(ClipModel clip, PromptLearner prompts, List<String> classNames, String dataset,
            String modelSha256, Consumer<String> log) throws IOException {
        Optional<FrozenText> frozen = prompts.frozenText();
        if (frozen.isPresent()) {
            return new PromptedClassifier(clip, frozen.get(), classFeatures(clip, prompts, classNames, dataset, modelSha256, log));
        }
        try (NoGrad g = NoGrad.open()) {
            return new PromptedClassifier(clip, prompts, prompts.texts(clip, classNames, templates(dataset)));
        }
    }

    /**
     * The class text features (C, E) of prompts with a {@link PromptLearner#frozenText frozen text side}
     * over {@code classNames} of {@code dataset}, on
     * {@code clip}'s device, in the caller's scope: read from {@value RunDirectory#CLASS_FEATURES} when
     * it was made for exactly these classes, templates, prompts and model in this precision on this
     * device ({@link ClassFeatures}), else computed (a run from before the file, other classes, a
     * stale file); {@code log} is told which.
     */
    public Tensor classFeatures(ClipModel clip, PromptLearner prompts, List<String> classNames, String dataset,
            String modelSha256, Consumer<String> log) throws IOException {
        FrozenText frozen = prompts.frozenText().orElseThrow(() -> new IllegalArgumentException(
                "run " + dir.dir() + ": its prompts' class text features depend on the image; they are not constants"));
        List<String> templates = templates(dataset);
        ClassFeatures.Key key = ClassFeatures.key(dir.file(RunDirectory.PROMPTS), clip, modelSha256, classNames, templates);
        Optional<Tensor> stored = ClassFeatures.read(dir, key, log);
        if (stored.isPresent()) {
            return Tensors.fp32(stored.get(), clip.device());
        }
        try (NoGrad g = NoGrad.open()) {
            return ClassFeatures.compute(clip, frozen, prompts.texts(clip, classNames, templates));
        }
    }
}
