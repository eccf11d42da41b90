package org.dpl4j.report;

import org.dpl4j.run.RunInfo;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything the report knows about one run directory, already parsed. Every part is optional
 * because runs are reported while they are still going (no {@code metrics.json} yet), after they
 * were killed, or from older versions that wrote fewer files: absent parts are {@code null} or
 * empty, and files that exist but could not be parsed are listed in {@link #problems} so the
 * report shows them instead of failing as a whole.
 *
 * @param dir          the run directory
 * @param name         how the report names the run (its path relative to the input it was found under)
 * @param run          {@code run.json} as a tree (free-form: every field is optional), or null
 * @param epochs       {@code metrics.jsonl}, one entry per line, sorted by epoch
 * @param alphas       {@code alphas.jsonl}, one snapshot per line, sorted by epoch
 * @param promptConfig {@code prompt-config.json}: branch key ({@code text}, {@code image}) → tokens per block;
 *                     empty when absent
 * @param finalMetrics {@code metrics.json}, or null
 * @param results      rows of {@code results.json} (pipeline summaries); empty when absent
 * @param files        which of the known files exist
 * @param problems     one line per file that exists but could not be read
 */
public record RunData(
        Path dir,
        String name,
        JsonNode run,
        List<Epoch> epochs,
        List<AlphaSnapshot> alphas,
        Map<String, List<Integer>> promptConfig,
        FinalMetrics finalMetrics,
        List<ResultRow> results,
        List<String> files,
        List<String> problems) {

    public RunData {
        epochs = List.copyOf(epochs);
        alphas = List.copyOf(alphas);
        promptConfig = Map.copyOf(promptConfig);
        results = List.copyOf(results);
        files = List.copyOf(files);
        problems = List.copyOf(problems);
    }

    /** A text field of {@code run.json}, or null when it (or the file) is missing. */
    public String field(String key) {
        if (run == null) {
            return null;
        }
        JsonNode n = run.get(key);
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    public String kind() {
        return field("kind");
    }

    public String dataset() {
        return field("dataset");
    }

    public String method() {
        return field("method");
    }

    public String seed() {
        return field("seed");
    }

    /** The method as the result tables name it ({@link #methodLabel(String, JsonNode)}). */
    public String methodLabel() {
        return methodLabel(method(), run);
    }

    /**
     * The method names a train run of zero-shot CLIP could be given before zero-shot CLIP had runs
     * of its own: the aliases of the old {@code zeroshot} preset. The set is history, not a copy of
     * {@code prompts.ZeroShotBaseline}'s names: a train run can no longer be made under any of
     * those, so no name added there can ever appear on an old train run.
     */
    static final Set<String> OLD_ZERO_SHOT_TRAIN_METHODS = Set.of("zeroshot", "zero-shot", "clip");

    /**
     * {@code method}, except for an old train run named as a zero-shot baseline.
     * Such a run comes from before zero-shot CLIP had runs of its own (kind {@code zeroshot}): it scored
     * CLIP without prompts on the train stage's text input (by default the 60 templates' token embeddings
     * averaged position by position), which is not zero-shot CLIP, so it keeps a label of its own, naming
     * that input, instead of pooling with the real baseline.
     *
     * @param run the run's {@code run.json}, or null
     */
    static String methodLabel(String method, JsonNode run) {
        method = presentName(method, run);
        if (method == null || run == null || !"train".equals(run.path("kind").asText())
                || !OLD_ZERO_SHOT_TRAIN_METHODS.contains(method.toLowerCase(Locale.ROOT))) {
            return method;
        }
        return method + " (train run, " + run.path("settings").path("textInput").asText("?") + " input)";
    }

    /**
     * An {@code ivlp} or {@code vpt-deep} run made before run.json format 3 ran a key/value layout, which is
     * named {@code kv-ivlp} / {@code kv-vpt-deep} today (as {@link RunInfo#upgrade} reads it); it is labelled so,
     * never pooled with the published method.
     */
    private static String presentName(String method, JsonNode run) {
        if (method == null || !(run instanceof com.fasterxml.jackson.databind.node.ObjectNode o) || !run.has("kind")
                || !method.equals(run.path("method").asText())) {
            return method;
        }
        try {
            return RunInfo.presentName(RunInfo.upgrade(o));
        } catch (IllegalArgumentException e) {
            return method; // a format this version does not read keeps the name it has
        }
    }

    /** Lengths of one branch in {@code prompt-config.json} (empty when absent). */
    public List<Integer> lengths(String branch) {
        return promptConfig.getOrDefault(branch, List.of());
    }

    /**
     * One line of {@code metrics.jsonl}. Values are kept by their JSON key because train and
     * search runs log different keys ({@code loss} vs {@code trainLoss}); missing keys read as NaN.
     */
    public record Epoch(int epoch, Map<String, Double> values) {
        public Epoch {
            values = Map.copyOf(values);
        }

        public double get(String key) {
            Double v = values.get(key);
            return v == null ? Double.NaN : v;
        }
    }

    /**
     * One line of {@code alphas.jsonl}: the softmax weights of every block at the end of an epoch
     * (epoch 0 = initial).
     *
     * @param candidates prompt length of each option (column)
     * @param weights    branch key → [block][option] weights; rows sum to 1 (checked by the reader).
     *                   The arrays are shared, not copied: treat them as read-only
     */
    public record AlphaSnapshot(int epoch, List<Integer> candidates, Map<String, double[][]> weights) {
        public AlphaSnapshot {
            candidates = List.copyOf(candidates);
            weights = Map.copyOf(weights);
        }
    }

    /**
     * One evaluation block of {@code metrics.json} ({@code test}, {@code base}, {@code new}, ...).
     *
     * @param images   number of images evaluated, or null when not recorded
     * @param top1     top-1 accuracy in percent (NaN when absent)
     * @param macro    mean per-class accuracy in percent (NaN when absent)
     * @param perClass class name → accuracy in percent, in file order
     */
    public record Evaluation(Integer images, double top1, double macro, Map<String, Double> perClass) {}

    /**
     * {@code metrics.json}: evaluation blocks by name (file order) and top-level numbers such as
     * {@code harmonicMean} (file order).
     */
    public record FinalMetrics(Map<String, Evaluation> evaluations, Map<String, Double> scalars) {}

    /** One row of a pipeline's {@code results.json}; seed is null when the row has none. */
    public record ResultRow(String dataset, String method, String seed, double top1) {}
}
