package org.dpl4j.training;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.PromptLearners;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunIdentity;
import org.dpl4j.tensor.Placement;

/** A finished train run read back from its directory, for {@code eval} and {@code predict}. */
public record TrainedRun(RunDirectory dir, Path modelPath, ClipConfig modelConfig, String dataset, Path root,
        String subsample, List<String> classNames, TrainSettings settings) {

    public static TrainedRun read(Path dir) throws IOException {
        RunDirectory run = new RunDirectory(dir);
        JsonNode info = RunIdentity.TRAIN.read(run, "pass the directory of a train run (dpl4j train --out)");
        if (!run.has(RunDirectory.PROMPTS)) {
            throw new IOException(dir + ": no " + RunDirectory.PROMPTS + " (the run has not finished; resume it with dpl4j train)");
        }
        List<String> names = new ArrayList<>();
        info.path("classNames").forEach(n -> names.add(n.asText()));
        return new TrainedRun(run, Path.of(info.path("model").path("path").asText()),
                Json.PRETTY.treeToValue(info.path("model").path("config"), ClipConfig.class),
                info.path("dataset").asText(), Path.of(info.path("root").asText()), info.path("subsample").asText("all"),
                names, Json.PRETTY.treeToValue(info.path("settings"), TrainSettings.class));
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
        return ClipModel.load(p, modelConfig, placement);
    }

    /** The learned prompts, on {@code clip}'s device. */
    public PromptLearner loadPrompts(ClipModel clip) throws IOException {
        return PromptLearners.load(dir.file(RunDirectory.PROMPTS), clip);
    }
}
