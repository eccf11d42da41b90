package org.dpl4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Presets;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.training.TrainJob;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dpl4j train}: train prompts of a given layout (searched config or preset) and evaluate. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train deep prompts of a given layout (--config from a search, or --preset) and evaluate on the test split.")
final class TrainCommand implements Callable<Integer> {
    @Mixin EngineOptions engine;
    @Mixin ModelOptions model;
    @Mixin DataOptions data;
    @Mixin TrainOptions train;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Layout layout;

    static final class Layout {
        @Option(names = "--config", paramLabel = "FILE", description = "prompt-config.json (e.g. from dpl4j search)")
        Path config;

        @Option(names = "--preset", description = "zeroshot | vpt-deep | ivlp | uniform-N | uniform-N-D")
        String preset;
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "run directory (resumed if it exists)")
    Path out;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (NDManager m = engine.manager(); ClipModel clip = model.load(m)) {
            PromptConfig cfg = layout.config != null ? PromptConfig.read(layout.config) : Presets.resolve(layout.preset, clip.config());
            String method = layout.config != null ? "dpl" : layout.preset;
            Map<String, Object> metrics = new TrainJob(clip, model.model, engine.progress(), Logs.stderr(engine.quiet))
                    .run(method, data.spec(), cfg, train.settings(data.seed), new RunDirectory(out), m,
                            Logs.commandLine("train", spec.commandLine().getParseResult().originalArgs().toArray(new String[0])));
            System.out.println(Json.PRETTY.writeValueAsString(metrics));
        }
        return 0;
    }
}
