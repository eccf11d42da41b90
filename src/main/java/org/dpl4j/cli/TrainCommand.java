package org.dpl4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.MaPLe;
import org.dpl4j.prompts.StreamLayout;
import org.dpl4j.prompts.StreamMethod;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Presets;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.TestMetrics;
import org.dpl4j.run.RunLock;
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
    @Mixin LoaderOptions loader;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Layout layout;

    static final class Layout {
        @Option(names = "--config", paramLabel = "FILE", description = "prompt-config.json (e.g. from dpl4j search); "
                + "with --preset maple or promptsrc, that method's per-block lengths (from dpl4j search --method maple|promptsrc)")
        Path config;

        @Option(names = "--preset", description = "zeroshot | zeroshot-ensemble (zero-shot CLIP: nothing trained) | coop | cocoop "
                + "| maple | ivlp | vpt-deep | promptsrc (the published methods) | uniform-N | uniform-N-D | kv-ivlp | kv-vpt-deep "
                + "(layouts in DPL's key/value mechanism)")
        String preset;

        String method() {
            return preset == null ? "dpl" : StreamMethod.named(preset).map(StreamMethod::id).orElse(preset);
        }

        /** The layout for this model; a --config file made for another model fails naming the file. */
        PromptConfig resolve(ClipConfig model) throws IOException {
            if (config == null) {
                return Presets.resolve(preset, model);
            }
            java.util.Optional<StreamMethod> stream = preset == null ? java.util.Optional.empty() : StreamMethod.named(preset);
            if (preset != null && stream.isEmpty()) {
                throw new IllegalArgumentException("--config with --preset: only the token-replacement methods (maple, ivlp, "
                        + "vpt-deep, promptsrc) take a layout file (per-block lengths, e.g. from dpl4j search --method maple); "
                        + "preset " + preset + " has a fixed layout");
            }
            PromptConfig cfg = PromptConfig.read(config);
            try {
                cfg.checkFits(model);
                if (stream.filter(m -> m == StreamMethod.MAPLE).isPresent()) {
                    MaPLe.lengthsOf(cfg, model);
                } else if (stream.isPresent()) {
                    StreamLayout.of(cfg, false).checkFits(model);
                }
            } catch (IllegalArgumentException e) {
                throw new IOException(config + ": " + e.getMessage(), e);
            }
            return cfg;
        }
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "run directory (resumed if it exists)")
    Path out;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (ClipModel clip = model.load(engine.placement())) {
            train.checkTextInput(layout.method());
            PromptConfig cfg = layout.resolve(clip.config());
            // two processes given the same --out take turns: the second waits, then finds the run finished
            TestMetrics metrics = RunLock.holding(out, "dpl4j train", Logs.stderr(engine.quiet), () -> new TrainJob(clip,
                    model.model, engine.progress(), Logs.stderr(engine.quiet))
                    .run(layout.method(), data.spec(), cfg, MethodDefaults.forDataset(train.settings(data.seed, layout.method(), data.spec().subsample(), loader), data.spec().dataset()), new RunDirectory(out),
                            Logs.commandLine(spec)));
            System.out.println(Json.PRETTY.writeValueAsString(metrics));
        }
        return 0;
    }
}
