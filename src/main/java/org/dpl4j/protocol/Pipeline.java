package org.dpl4j.protocol;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.dpl4j.data.DataSpec;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.MaPLe;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Presets;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunIdentity;
import org.dpl4j.run.RunLock;
import org.dpl4j.search.SearchJob;
import org.dpl4j.search.SearchSettings;
import org.dpl4j.training.TestMetrics;
import org.dpl4j.training.TrainJob;
import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.TrainSettings;
import org.dpl4j.util.Progress;

/**
 * The whole protocol: for every dataset and seed, search → train the searched configuration →
 * evaluate, next to zero-shot CLIP and the named baseline presets trained the same way; then a
 * results table. Every stage lives in its own run directory
 * ({@code out/<dataset>/seed<S>/<method>}) and is skipped when complete or resumed from its
 * checkpoint, so an interrupted pipeline picks up where it stopped. The {@link Unit}s are public so
 * that another scheduler (Spark) can run them, each with the same job code and run directory.
 */
public final class Pipeline {
    /**
     * The baseline name of DPL on MaPLe: a search with method maple ({@code search-maple}), then MaPLe trained
     * with its published settings on the searched layout ({@code dpl-maple}), like the dpl unit (docs/design.md §5).
     */
    public static final String DPL_MAPLE = "dpl-maple";
    /** DPL on PromptSRC, as {@link #DPL_MAPLE}: {@code search-promptsrc}, then PromptSRC on the searched layout. */
    public static final String DPL_PROMPTSRC = "dpl-promptsrc";
    /** The baselines that are DPL searched on a method, by the method they search and train. */
    public static final Map<String, String> DPL_ON = Map.of(DPL_MAPLE, MaPLe.METHOD, DPL_PROMPTSRC, "promptsrc");
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

        /** The train settings of {@code method} on {@code dataset} ({@link MethodDefaults#forDataset}). */
        TrainSettings train(String method, String dataset) {
            return MethodDefaults.forDataset(methodTrain.getOrDefault(method, train), dataset);
        }
    }

    private final ClipModel clip;
    private final Path modelPath;
    private final Progress.Factory progress;
    private final Consumer<String> log;
    private final String attempt;

    public Pipeline(ClipModel clip, Path modelPath, Progress.Factory progress, Consumer<String> log) {
        this(clip, modelPath, progress, log, "dpl4j run");
    }

    /** @param attempt names this process or task attempt in the run directories' locks ({@link RunLock}) */
    public Pipeline(ClipModel clip, Path modelPath, Progress.Factory progress, Consumer<String> log, String attempt) {
        this.clip = clip;
        this.modelPath = modelPath;
        this.progress = progress;
        this.log = log;
        this.attempt = attempt;
    }

    /** Which job a unit runs. */
    public enum Stage {
        /** A named baseline preset or zero-shot CLIP, trained and evaluated like DPL. */
        BASELINE,
        /** A search (method dpl, maple or promptsrc); its configuration is the matching {@link #DPL} unit's input. */
        SEARCH,
        /** The train stage on the configuration the same dataset and seed's search found (dpl, dpl-maple, dpl-promptsrc). */
        DPL
    }

    /**
     * One unit of the protocol: a stage for one dataset and seed in its own run directory. Units of
     * one dataset and seed depend on nothing but that a {@link Stage#DPL} unit needs its
     * {@link #searchOf search}'s configuration.
     */
    public record Unit(String dataset, long seed, String method, Stage stage) implements java.io.Serializable {
        /** The run directory under the pipeline's output folder. */
        public Path dir(Path out) {
            return out.resolve(dataset).resolve("seed" + seed).resolve(folder());
        }

        /** {@code search} (DPL's), {@code search-maple}, or the method. */
        private String folder() {
            if (stage != Stage.SEARCH) {
                return method;
            }
            return "dpl".equals(method) ? "search" : "search-" + method;
        }

        /** The search whose configuration a {@link Stage#DPL} unit trains. */
        public Unit searchOf() {
            return new Unit(dataset, seed, DPL_ON.getOrDefault(method, "dpl"), Stage.SEARCH);
        }

        /** The method whose prompts a train unit learns: MaPLe for dpl-maple, PromptSRC for dpl-promptsrc, else the unit's own. */
        public String learner() {
            return stage == Stage.DPL ? DPL_ON.getOrDefault(method, method) : method;
        }

        @Override
        public String toString() {
            return dataset + "/seed" + seed + "/" + folder();
        }
    }

    /** Every unit of a plan, in the order {@link #run} runs them (baselines, search, DPL per dataset and seed). */
    public static List<Unit> units(Plan plan) {
        List<Unit> units = new ArrayList<>();
        for (String dataset : plan.datasets()) {
            for (long seed : plan.seeds()) {
                for (String b : new java.util.LinkedHashSet<>(plan.baselines())) { // a name given twice runs once
                    if (!DPL_ON.containsKey(b)) {
                        units.add(new Unit(dataset, seed, b, Stage.BASELINE));
                    }
                }
                units.add(new Unit(dataset, seed, "dpl", Stage.SEARCH));
                units.add(new Unit(dataset, seed, "dpl", Stage.DPL));
                for (String b : new java.util.LinkedHashSet<>(plan.baselines())) {
                    if (DPL_ON.containsKey(b)) {
                        units.add(new Unit(dataset, seed, DPL_ON.get(b), Stage.SEARCH));
                        units.add(new Unit(dataset, seed, b, Stage.DPL));
                    }
                }
            }
        }
        return units;
    }

    /** Fails unless {@code out} can hold a pipeline (it must not be a run directory itself). */
    public static void checkFolder(RunDirectory out) throws IOException {
        if (out.has(RunDirectory.RUN)) {
            throw new IOException(out.file(RunDirectory.RUN) + " records " + RunIdentity.describe(out.readJson(RunDirectory.RUN))
                    + ", but a pipeline needs a folder of its own; " + RunIdentity.OTHER_FOLDER);
        }
    }

    /** The plan's baseline presets by name; every one resolved before the first trains, so a typo costs no finished stage. */
    public Map<String, PromptConfig> baselines(Plan plan) {
        Map<String, PromptConfig> baselines = new LinkedHashMap<>();
        for (String b : plan.baselines()) {
            if (!DPL_ON.containsKey(b)) { // searched, not a preset
                baselines.put(b, Presets.resolve(b, clip.config()));
            }
        }
        return baselines;
    }

    public ResultsTable run(Plan plan, RunDirectory out, String command) throws IOException {
        checkFolder(out);
        Map<String, PromptConfig> baselines = baselines(plan);
        out.create();
        ResultsTable table = new ResultsTable();
        Map<Unit, PromptConfig> searched = new LinkedHashMap<>();
        for (Unit u : units(plan)) {
            switch (u.stage()) {
                case BASELINE -> table.add(train(plan, u, baselines.get(u.method()), out.dir(), command));
                case SEARCH -> searched.put(u, search(plan, u, out.dir(), command));
                case DPL -> {
                    table.add(train(plan, u, searched.get(u.searchOf()), out.dir(), command));
                    table.write(out);
                }
            }
        }
        log.accept("\n" + table.format());
        return table;
    }

    /** Runs (or resumes, or reads back) a {@link Stage#SEARCH} unit under its run directory's lock; the configuration found. */
    public PromptConfig search(Plan plan, Unit u, Path out, String command) throws IOException {
        Path dir = u.dir(out);
        return locked(dir, () -> new SearchJob(clip, modelPath, progress, log)
                .run(spec(plan, u), plan.search().withSeed(u.seed()), u.method(), new RunDirectory(dir), command));
    }

    /**
     * Runs (or resumes, or reads back) a {@link Stage#BASELINE} or {@link Stage#DPL} unit under its
     * run directory's lock; its row of the results table.
     */
    public ResultsTable.Row train(Plan plan, Unit u, PromptConfig cfg, Path out, String command)
            throws IOException {
        Path dir = u.dir(out);
        TestMetrics m = locked(dir, () -> new TrainJob(clip, modelPath, progress, log)
                .run(u.learner(), spec(plan, u), cfg, plan.train(u.learner(), u.dataset()).withSeed(u.seed()), new RunDirectory(dir), command));
        return new ResultsTable.Row(u.dataset(), u.method(), u.seed(), m.test().top1());
    }

    private static DataSpec spec(Plan plan, Unit u) {
        return new DataSpec(u.dataset(), plan.root(), plan.shots(), u.seed(), plan.subsample());
    }

    /**
     * Runs a job holding its run directory's lock, so no other attempt writes the run at the same
     * time. Units of one process (Spark tasks of one executor) may compute at once: libtorch's
     * autograd is per thread, and every unit takes only the gradients of its own tensors.
     */
    private <T> T locked(Path dir, RunLock.Job<T> job) throws IOException {
        return RunLock.holding(dir, attempt, log, job);
    }
}
