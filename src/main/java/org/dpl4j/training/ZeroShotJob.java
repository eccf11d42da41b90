package org.dpl4j.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.DataSpec;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ZeroShotBaseline;
import org.dpl4j.run.ModelRef;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunIdentity;
import org.dpl4j.run.RunInfo;
import org.dpl4j.tensor.Precision;
import org.dpl4j.util.Progress;

/**
 * A zero-shot CLIP baseline as a run directory beside the trained methods: run.json (kind
 * {@code zeroshot}, recording the templates and how their features are combined) and the same
 * final metrics as a train run (test split; under base-to-new also the new classes and the
 * harmonic mean). The classifier is {@link ZeroShotClassifier}: CLIP's own text features of
 * the hand-written templates. A finished directory of the same run (same settings, data and model) is
 * left as is; one recording another run, finished or not, is refused: other settings, or any other
 * kind of run, such as a train run of the same name from before zero-shot had runs of its own.
 */
public final class ZeroShotJob {
    /**
     * The settings run.json records.
     *
     * @param textFeatures how each class's feature is made ({@link ZeroShotBaseline#textFeatures})
     * @param templates the templates, filled with each class name
     */
    public record Settings(String textFeatures, List<String> templates, int evalBatch, BadSamplePolicy badImages) {}

    private final ClipModel clip;
    private final Path modelPath;
    private final Progress.Factory progress;
    private final Consumer<String> log;

    public ZeroShotJob(ClipModel clip, Path modelPath, Progress.Factory progress, Consumer<String> log) {
        this.clip = clip;
        this.modelPath = modelPath;
        this.progress = progress;
        this.log = log;
    }

    /**
     * Evaluates {@code baseline} on the test split of {@code spec} (its shots and seed only name the
     * protocol slot: nothing is drawn or trained) into {@code run}, labelled {@code method}.
     */
    public TestMetrics run(ZeroShotBaseline baseline, String method, DataSpec spec, int evalBatch,
            BadSamplePolicy badImages, RunDirectory run, String command) throws IOException {
        if (run.has(RunDirectory.RUN)) {
            RunIdentity.ZEROSHOT.read(run, RunIdentity.OTHER_FOLDER);
        }
        DatasetSplits data = spec.loadForEval();
        List<String> templates = templates(baseline, data.name());
        RunInfo now = RunInfo.start("zeroshot", method, RunInfo.NONE, spec, data, List.of("test"), null,
                new Settings(textFeatures(baseline), templates, evalBatch, badImages), ModelRef.of(modelPath, clip), command);
        if (run.isComplete()) {
            RunIdentity.ZEROSHOT.checkSame(run, now); // a finished run is reused only for the settings it ran
            return TrainJob.finished(run, log);
        }
        run.create();
        RunIdentity.ZEROSHOT.recordOrCheck(run, now);
        log.accept(String.format("zero-shot %s on %s (%d classes): %s%s", method, data.name(), data.numClasses(),
                baseline.textFeatures(), templates.size() == 1 ? ", \"" + templates.get(0) + "\"" : ""));
        TestMetrics metrics = TrainJob.testMetrics(spec, data, d -> {
            try (ZeroShotClassifier c = classifier(baseline, data.name(), d.classNames(), evalBatch)) {
                // the protocol's zero-shot column is CoOp's ZeroshotCLIP, which tests through Dassl like DPL
                return Evaluator.evaluate(c, d.classNames(), d.test(), clip.config().imageResolution(), SampleTransforms.PROMPT_LEARNING,
                        evalBatch, badImages, progress);
            }
        }, log);
        run.writeJson(RunDirectory.FINAL, metrics);
        return metrics;
    }

    /**
     * What the class features are, as run.json records it: below fp32 it says that they are computed in
     * fp32 ({@link ZeroShotClassifier#build(ClipModel, Path, List, List, int, Progress.Factory)}), so that a
     * bf16 zero-shot run made before, with bf16 class features, is refused rather than taken for one.
     */
    private String textFeatures(ZeroShotBaseline baseline) {
        return baseline.textFeatures() + (clip.placement().precision() == Precision.FP32 ? "" : " (computed in fp32)");
    }

    /** The templates of a baseline on a dataset (CoOp name, or an image folder's). */
    static List<String> templates(ZeroShotBaseline baseline, String dataset) {
        return TrainJob.templates(baseline.templates(), dataset);
    }

    /** The baseline's classifier for {@code classNames} of {@code dataset}, texts encoded {@code textBatch} at a time. */
    ZeroShotClassifier classifier(ZeroShotBaseline baseline, String dataset, List<String> classNames, int textBatch)
            throws IOException {
        return ZeroShotClassifier.build(clip, modelPath, classNames, templates(baseline, dataset), textBatch, progress);
    }
}
