package org.dpl4j.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.dpl4j.data.DataSpec;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.run.ModelRef;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunIdentity;
import org.dpl4j.run.RunInfo;
import org.dpl4j.util.Progress;

/**
 * A complete search run in a run directory: provenance, the bilevel search (resumable), the
 * configuration ({@code prompt-config.json}, readable by {@code train --config}) and the search
 * result with per-block confidence. A finished directory of the same search (same settings, data and
 * model) is reused as is; one that records another run, finished or not, is refused ({@link RunIdentity}).
 */
public final class SearchJob {
    private final ClipModel clip;
    private final Path modelPath;
    private final Progress.Factory progress;
    private final Consumer<String> log;

    public SearchJob(ClipModel clip, Path modelPath, Progress.Factory progress, Consumer<String> log) {
        this.clip = clip;
        this.modelPath = modelPath;
        this.progress = progress;
        this.log = log;
    }

    /** DPL's search ({@link Supernet}). */
    public PromptConfig run(DataSpec spec, SearchSettings s, RunDirectory run, String command)
            throws IOException {
        return run(spec, s, Supernet.METHOD, run, command);
    }

    /** The search of {@code method}'s layout ({@link SearchSpaces}: dpl or maple); run.json records the method. */
    public PromptConfig run(DataSpec spec, SearchSettings s, String method, RunDirectory run, String command)
            throws IOException {
        method = SearchSpaces.check(method);
        if (run.has(RunDirectory.RUN)) {
            RunIdentity.SEARCH.read(run, RunIdentity.OTHER_FOLDER); // another kind of run is never reused, finished or not
        }
        DatasetSplits data = spec.load();
        RunInfo now = RunInfo.start("search", method, org.dpl4j.training.MethodDefaults.mechanism(method), spec, data, List.of("train", "val"), null, s, ModelRef.of(modelPath, clip),
                command);
        if (run.isComplete()) {
            RunIdentity.SEARCH.checkSame(run, now); // a finished search is reused only for the settings it ran
            log.accept("search already complete: " + run.dir());
            return PromptConfig.read(run.file(RunDirectory.PROMPT_CONFIG));
        }
        run.create();
        RunIdentity.SEARCH.recordOrCheck(run, now);
        log.accept(String.format("%s search on %s (%d classes, %d train / %d val images), candidates %s, %d epochs%s, %s attention",
                method, data.name(), data.numClasses(), data.train().size(), data.val().size(), s.candidates(), s.epochs(),
                s.settling().enabled() ? String.format(" (stop when settled for %d, margin %s)", s.settling().patience(),
                        s.settling().margin()) : "",
                s.attention().name().toLowerCase()));
        SearchResult r = new BilevelSearch(clip, s, method, progress, log).run(data, run);
        log.accept("searched configuration: " + r.config());
        log.accept(String.format("dominant blocks (margin >= %.2f): text %d/%d, image %d/%d", r.dominantMargin(),
                r.textDominant(), r.textMargins().length, r.imageDominant(), r.imageMargins().length));
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("config", r.config());
        done.put("textDominant", r.textDominant());
        done.put("imageDominant", r.imageDominant());
        done.put("epochs", r.epochs());
        if (r.stopReason() != null) {
            done.put("stopReason", r.stopReason());
        }
        run.writeJson(RunDirectory.FINAL, done);
        return r.config();
    }
}
