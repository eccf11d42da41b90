package org.dpl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunLock;
import org.dpl4j.search.SearchJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dpl4j search}: DPL's search stage; writes the configuration and the alpha history. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search the per-block prompt lengths (DPL supernet, bilevel). Writes DIR/prompt-config.json for train --config.")
final class SearchCommand implements Callable<Integer> {
    @Mixin EngineOptions engine;
    @Mixin ModelOptions model;
    @Mixin DataOptions data;
    @Mixin SearchOptions search;

    @Mixin LoaderOptions loader;

    @Option(names = "--method", defaultValue = "dpl",
            description = "dpl (DPL's key/value prompts, default), maple (MaPLe's compound prompts) or promptsrc "
                    + "(PromptSRC's text and vision prompts, each tower's lengths on its own); train the result of the "
                    + "last two with train --preset maple|promptsrc --config DIR/prompt-config.json")
    String method;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "run directory (resumed if it exists)")
    Path out;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String m = org.dpl4j.search.SearchSpaces.check(method); // a typo fails before the model loads
        try (ClipModel clip = model.load(engine.placement())) {
            // two processes given the same --out take turns: the second waits, then finds the search finished
            PromptConfig cfg = RunLock.holding(out, "dpl4j search", Logs.stderr(engine.quiet), () -> new SearchJob(clip, model.model,
                    engine.progress(), Logs.stderr(engine.quiet))
                    .run(data.spec(), search.settings(data.seed, loader), m, new RunDirectory(out),
                            Logs.commandLine(spec)));
            System.out.println(cfg.toJson());
        }
        return 0;
    }
}
