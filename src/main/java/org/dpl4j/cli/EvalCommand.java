package org.dpl4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.dpl4j.data.DataSpec;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.run.Json;
import org.dpl4j.tensor.Scope;
import org.dpl4j.training.PromptedClassifier;
import org.dpl4j.training.EvalResult;
import org.dpl4j.training.TrainJob;
import org.dpl4j.training.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dpl4j eval}: evaluate a trained run on its own test split or another dataset (cross-dataset). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a trained run on its test split, on its new classes (--subsample new), or on another dataset (cross-dataset).")
final class EvalCommand implements Callable<Integer> {
    @Mixin EngineOptions engine;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "a train run directory")
    Path run;

    @Option(names = "--dataset", description = "evaluate on this dataset instead (cross-dataset transfer)")
    String dataset;

    @Option(names = "--root", paramLabel = "DIR", description = "root of --dataset (default: the run's root)")
    Path root;

    @Option(names = "--subsample", description = "all, base or new (default: the run's)")
    String subsample;

    @Option(names = "--model", paramLabel = "PATH", description = "use this model file instead of the recorded path")
    Path model;

    @Override
    public Integer call() throws Exception {
        TrainedRun r = TrainedRun.read(run);
        String ds = dataset != null ? dataset : r.dataset();
        DataSpec spec = new DataSpec(ds, root != null ? root : r.root(), 0, 1, subsample != null ? subsample : r.subsample());
        try (ClipModel clip = r.loadModel(model, engine.placement()); PromptLearner prompts = r.loadPrompts(clip);
                Scope scope = Scope.open()) {
            DatasetSplits data = spec.loadForEval();
            Consumer<String> log = Logs.stderr(engine.quiet);
            EvalResult res;
            try (PromptedClassifier c = r.classifier(clip, prompts, data.classNames(), data.name(), r.modelSha256(model), log)) {
                res = new TrainJob(clip, r.modelPath(), engine.progress(), log).evaluate(c, data, r.settings());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("dataset", data.name());
            out.put("subsample", spec.subsample());
            out.put("result", res);
            r.dir().writeJson("eval-" + data.name() + "-" + spec.subsample() + ".json", out);
            System.out.println(Json.PRETTY.writeValueAsString(out));
        }
        return 0;
    }
}
