package org.dpl4j.protocol;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.dpl4j.data.DataSpec;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Presets;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunIdentity;
import org.dpl4j.search.SearchJob;
import org.dpl4j.search.SearchSettings;
import org.dpl4j.training.TestMetrics;
import org.dpl4j.training.TrainJob;
import org.dpl4j.training.TrainSettings;
import org.dpl4j.util.Progress;

/**
 * The whole protocol: for every dataset and seed, search → train the searched configuration →
 * evaluate, next to zero-shot CLIP and the named baseline presets trained the same way; then a
 * results table. Every stage lives in its own run directory
 * ({@code out/<dataset>/seed<S>/<method>}) and is skipped when complete or resumed from its
 * checkpoint, so an interrupted pipeline picks up where it stopped.
 */
public final class Pipeline {
    /**
     * What to run. {@code methodTrain} holds the settings of baselines that train with their own
     * published defaults (CoCoOp, MaPLe); every other method trains with {@code train}.
     */
    public record Plan(List<String> datasets, Path root, int shots, List<Long> seeds, String subsample,
            List<String> baselines, SearchSettings search, TrainSettings train, Map<String, TrainSettings> methodTrain) {

        public Plan(List<String> datasets, Path root, int shots, List<Long> seeds, String subsample,
                List<String> baselines, SearchSettings search, TrainSettings train) {
            this(datasets, root, shots, seeds, subsample, baselines, search, train, Map.of());
        }

        TrainSettings train(String method) {
            return methodTrain.getOrDefault(method, train);
        }
    }

    private final ClipModel clip;
    private final Path modelPath;
    private final Progress.Factory progress;
    private final Consumer<String> log;

    public Pipeline(ClipModel clip, Path modelPath, Progress.Factory progress, Consumer<String> log) {
        this.clip = clip;
        this.modelPath = modelPath;
        this.progress = progress;
        this.log = log;
    }

    public ResultsTable run(Plan plan, RunDirectory out, NDManager parent, String command) throws IOException {
        if (out.has(RunDirectory.RUN)) {
            throw new IOException(out.file(RunDirectory.RUN) + " records " + RunIdentity.describe(out.readJson(RunDirectory.RUN))
                    + ", but a pipeline needs a folder of its own; " + RunIdentity.OTHER_FOLDER);
        }
        // every baseline resolved before the first one trains: a typo must not cost a finished stage
        Map<String, PromptConfig> baselines = new LinkedHashMap<>();
        for (String b : plan.baselines()) {
            baselines.put(b, Presets.resolve(b, clip.config()));
        }
        out.create();
        ResultsTable table = new ResultsTable();
        for (String dataset : plan.datasets()) {
            for (long seed : plan.seeds()) {
                DataSpec spec = new DataSpec(dataset, plan.root(), plan.shots(), seed, plan.subsample());
                Path base = out.dir().resolve(dataset).resolve("seed" + seed);
                for (Map.Entry<String, PromptConfig> b : baselines.entrySet()) {
                    train(b.getKey(), spec, b.getValue(), plan.train(b.getKey()).withSeed(seed), base.resolve(b.getKey()), table, parent,
                            command);
                }
                PromptConfig searched = new SearchJob(clip, modelPath, progress, log)
                        .run(spec, plan.search().withSeed(seed), new RunDirectory(base.resolve("search")), parent, command);
                train("dpl", spec, searched, plan.train().withSeed(seed), base.resolve("dpl"), table, parent, command);
                table.write(out);
            }
        }
        log.accept("\n" + table.format());
        return table;
    }

    private void train(String method, DataSpec spec, PromptConfig cfg, TrainSettings s, Path dir, ResultsTable table,
            NDManager parent, String command) throws IOException {
        TestMetrics m = new TrainJob(clip, modelPath, progress, log).run(method, spec, cfg, s, new RunDirectory(dir), parent, command);
        table.add(new ResultsTable.Row(spec.dataset(), method, spec.seed(), m.test().top1()));
    }
}
