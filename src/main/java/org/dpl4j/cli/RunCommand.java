package org.dpl4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dpl4j.data.DataSpec;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.MaPLe;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.protocol.ResultsTable;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dpl4j run}: search → train → evaluate over datasets and seeds, with baselines and a results table. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "The full DPL protocol: search, train and evaluate for every dataset and seed, baselines alongside, "
                + "then a results table (mean ± 95%% CI). Re-run the same command to resume.")
final class RunCommand implements Callable<Integer> {
    @Mixin EngineOptions engine;
    @Mixin ModelOptions model;
    @Mixin TrainOptions train;
    @Mixin SearchOptions search;
    @Mixin LoaderOptions loader;

    @Option(names = "--datasets", split = ",", required = true, description = "dataset names, comma-separated")
    List<String> datasets;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "folder holding the dataset folders")
    Path root;

    @Option(names = "--shots", defaultValue = "16", description = DataSpec.SHOTS_HELP + " (default: ${DEFAULT-VALUE})")
    int shots;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "seeds (default: ${DEFAULT-VALUE})")
    List<Long> seeds;

    @Option(names = "--subsample", defaultValue = "all", description = "all or base (base-to-new: also evaluates new classes)")
    String subsample;

    @Option(names = "--baselines", split = ",", defaultValue = "zeroshot,ivlp",
            description = "presets trained alongside (cocoop, maple, ivlp, vpt-deep, promptsrc with their published settings; "
                    + "kv-ivlp, kv-vpt-deep, uniform-N in DPL's key/value mechanism), dpl-maple / dpl-promptsrc (a maple or "
                    + "promptsrc search, then that method trained on its layout), and the zero-shot CLIP baselines zeroshot "
                    + "(the dataset's hand-crafted template) and zeroshot-ensemble (60 templates' features) (default: ${DEFAULT-VALUE})")
    List<String> baselines;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (resumed if it exists)")
    Path out;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    /** Settings of the baselines with published defaults of their own, the options given applied on top. */
    private Map<String, TrainSettings> methodSettings() {
        Map<String, TrainSettings> out = new LinkedHashMap<>();
        for (String b : baselines) {
            if (MethodDefaults.fixedTextInput(b)) {
                out.put(b, train.settings(1, b, subsample, loader));
            }
            if (Pipeline.DPL_ON.containsKey(b)) { // the method trained on the searched layout, with its settings
                String m = Pipeline.DPL_ON.get(b);
                out.put(m, train.settings(1, m, subsample, loader));
            }
        }
        return out;
    }

    /** Runs a plan's units and returns the results table: in this process, or as Spark tasks ({@link SparkMain}). */
    @FunctionalInterface
    interface Runner {
        ResultsTable run(RunCommand options, String command) throws Exception;
    }

    private final Runner runner;

    RunCommand() {
        this(RunCommand::runHere);
    }

    RunCommand(Runner runner) {
        this.runner = runner;
    }

    @Override
    public Integer call() throws Exception {
        String command = Logs.commandLine(spec);
        System.out.print(runner.run(this, command).format());
        return 0;
    }

    /** The plan the options describe; settings seeds are set per unit. */
    Pipeline.Plan plan() {
        return new Pipeline.Plan(datasets, root, shots, seeds, subsample, baselines,
                search.settings(1, loader), train.settings(1, loader), methodSettings());
    }

    private static ResultsTable runHere(RunCommand o, String command) throws Exception {
        try (ClipModel clip = o.model.load(o.engine.placement())) {
            return new Pipeline(clip, o.model.model, o.engine.progress(), Logs.stderr(o.engine.quiet))
                    .run(o.plan(), new RunDirectory(o.out), command);
        }
    }
}
