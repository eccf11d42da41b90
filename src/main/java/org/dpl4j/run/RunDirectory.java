package org.dpl4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.util.AtomicFiles;
import org.dpl4j.util.JsonProblem;

/**
 * A run's folder. Every file is written atomically, so a run killed at any moment leaves either
 * the previous or the new version of each file, never a torn one:
 * <pre>
 *   run.json              what was run: resolved settings, seed, data, model checksum
 *   metrics.jsonl         one line per epoch
 *   checkpoint.safetensors  parameters + optimiser state of the last finished epoch
 *   prompt-config.json    the prompt layout (train) or the searched configuration (search)
 *   prompts.safetensors   learned prompts (train)
 *   alphas.jsonl          alpha snapshots per epoch (search)
 *   metrics.json          final metrics; present only when the run completed
 * </pre>
 */
public final class RunDirectory {
    public static final String RUN = "run.json";
    public static final String METRICS_LOG = "metrics.jsonl";
    public static final String CHECKPOINT = "checkpoint.safetensors";
    public static final String PROMPT_CONFIG = "prompt-config.json";
    public static final String PROMPTS = "prompts.safetensors";
    public static final String ALPHAS = "alphas.jsonl";
    public static final String FINAL = "metrics.json";
    /** The frozen class text features of a deep-prompt train run (training.ClassFeatures), for eval and predict. */
    public static final String CLASS_FEATURES = "class-features.safetensors";

    private final Path dir;

    public RunDirectory(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public boolean has(String name) {
        return Files.isRegularFile(dir.resolve(name));
    }

    public boolean isComplete() {
        return has(FINAL);
    }

    public void create() throws IOException {
        Files.createDirectories(dir);
    }

    public void writeJson(String name, Object value) throws IOException {
        AtomicFiles.writeString(file(name), Json.PRETTY.writeValueAsString(value) + "\n");
    }

    public JsonNode readJson(String name) throws IOException {
        Path f = file(name);
        if (!Files.isRegularFile(f)) {
            throw new IOException("missing " + f + (name.equals(RUN) ? " (not a dpl4j run directory?)" : ""));
        }
        try {
            return Json.PRETTY.readTree(f.toFile());
        } catch (IOException e) {
            throw new IOException(f + ": not valid JSON: " + JsonProblem.of(e), e);
        }
    }

    public <T> T readJson(String name, Class<T> type) throws IOException {
        return Json.PRETTY.treeToValue(readJson(name), type);
    }

    /** All lines of a JSONL log (empty when absent). */
    public List<JsonNode> readLog(String name) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Path f = file(name);
        if (!Files.isRegularFile(f)) {
            return out;
        }
        int n = 0;
        for (String line : Files.readAllLines(f)) {
            n++;
            if (!line.isBlank()) {
                try {
                    out.add(Json.LINE.readTree(line));
                } catch (IOException e) {
                    throw new IOException(f + " line " + n + ": not valid JSON", e);
                }
            }
        }
        return out;
    }

    /**
     * Replaces a JSONL log with {@code lines} (rewritten whole and atomically; logs are small).
     * Used so that the log always agrees with the checkpoint after a resume.
     */
    public void writeLog(String name, List<?> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Object l : lines) {
            sb.append(Json.LINE.writeValueAsString(l)).append('\n');
        }
        AtomicFiles.writeString(file(name), sb.toString());
    }
}
