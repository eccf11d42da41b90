package org.dpl4j.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.dpl4j.data.DataSpec;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.SampleTransforms;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptLearner.FrozenText;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.PromptLearners;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Templates;
import org.dpl4j.prompts.ZeroShotBaseline;
import org.dpl4j.run.Json;
import org.dpl4j.run.ModelRef;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunIdentity;
import org.dpl4j.run.RunInfo;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Scope;
import org.dpl4j.util.Progress;

/**
 * A complete train-stage run in a run directory: provenance, training (resumable), learned
 * prompts, and evaluation on the test split — plus the new classes' test split under the
 * base-to-new protocol (harmonic mean). A directory that already holds final metrics of the same run
 * (same settings, data and model) is left as is and its metrics returned; one that records another
 * run, finished or not, is refused ({@link RunIdentity}).
 *
 * <p>The zero-shot baselines ({@link ZeroShotBaseline}: methods {@code zeroshot} and
 * {@code zeroshot-ensemble}) learn nothing and are CLIP's own text features of hand-written
 * templates, not the prompt learner's frozen text input: {@link #run} hands them to
 * {@link ZeroShotJob}, so every caller that runs methods by name (pipeline, demo, train) gets the
 * real baseline.
 */
public final class TrainJob {
    private final ClipModel clip;
    private final Path modelPath;
    private final Progress.Factory progress;
    private final Consumer<String> log;

    public TrainJob(ClipModel clip, Path modelPath, Progress.Factory progress, Consumer<String> log) {
        this.clip = clip;
        this.modelPath = modelPath;
        this.progress = progress;
        this.log = log;
    }

    /** Text templates of a text-input setting for a dataset. */
    public static List<String> templates(String textInput, String dataset) {
        String name;
        try {
            name = org.dpl4j.data.Datasets.canonicalName(dataset);
        } catch (IllegalArgumentException e) {
            name = dataset; // an image folder named by its directory: only "custom" needs a known dataset
        }
        return Templates.resolve(textInput, name);
    }

    public TestMetrics run(String method, DataSpec spec, PromptConfig config, TrainSettings s, RunDirectory run,
            String command) throws IOException {
        Optional<ZeroShotBaseline> zeroShot = ZeroShotBaseline.named(method);
        if (zeroShot.isPresent()) {
            if (!config.isEmpty()) {
                throw new IllegalArgumentException("method '" + method + "' is zero-shot CLIP and takes no prompts, got " + config);
            }
            return new ZeroShotJob(clip, modelPath, progress, log)
                    .run(zeroShot.get(), method, spec, s.evalBatch(), s.badImages(), run, command);
        }
        if (run.has(RunDirectory.RUN)) {
            RunIdentity.TRAIN.read(run, RunIdentity.OTHER_FOLDER); // another kind of run is never reused, finished or not
        }
        config.checkFits(clip.config());
        DatasetSplits data = spec.load();
        RunInfo now = RunInfo.start("train", method, MethodDefaults.mechanism(method), spec, data, List.of("train", "val", "test"), config, s,
                ModelRef.of(modelPath, clip), command);
        if (run.isComplete()) {
            RunIdentity.TRAIN.checkSame(run, now); // a finished run is reused only for the settings it ran
            return finished(run, log);
        }
        run.create();
        RunIdentity.TRAIN.recordOrCheck(run, now);
        config.write(run.file(RunDirectory.PROMPT_CONFIG));
        TestMetrics metrics = trainAndTest(method, spec, data, config, s, run);
        run.writeJson(RunDirectory.FINAL, metrics);
        return metrics;
    }

    /** Trains fresh prompts of {@code config} into {@code run} (resuming its checkpoint), saves them and tests them. */
    private TestMetrics trainAndTest(String method, DataSpec spec, DatasetSplits data, PromptConfig config, TrainSettings s,
            RunDirectory run) throws IOException {
        try (Scope scope = Scope.open();
                PromptLearner prompts = PromptLearners.init(method, config, clip, s.initStd(), s.seed())) {
            log.accept(String.format("train %s on %s (%d classes, %d shots, seed %d): %s, %d learned values",
                    method, data.name(), data.numClasses(), spec.shots(), spec.seed(), config, prompts.trainableParameters()));
            List<String> templates = templates(s.textInput(), data.name());
            ClassTexts texts = prompts.texts(clip, data.classNames(), templates);
            Tensor teacher = s.distillWeight() > 0 ? teacherText(clip, data.classNames(), s.evalBatch(), progress) : null;
            new PromptTrainer(clip, s, progress, log).train(prompts, data, texts, teacher, run);
            prompts.save(run.file(RunDirectory.PROMPTS));
            Optional<FrozenText> frozen = prompts.frozenText();
            // the frozen class text features, for eval, predict and the API to read instead of encoding the texts
            Tensor features = frozen.isEmpty() ? null : storeClassFeatures(frozen.get(), texts, data.classNames(), templates, run);
            return testMetrics(spec, data, d -> {
                if (features == null || !d.classNames().equals(data.classNames())) {
                    return evaluate(prompts, d, s);
                }
                try (PromptedClassifier c = new PromptedClassifier(clip, frozen.get(), features)) {
                    return evaluate(c, d, s);
                }
            }, log);
        }
    }

    /** Computes the class text features of trained prompts and writes them to the run ({@link ClassFeatures}). */
    private Tensor storeClassFeatures(FrozenText prompts, ClassTexts texts, List<String> classNames, List<String> templates,
            RunDirectory run) throws IOException {
        Tensor features = ClassFeatures.compute(clip, prompts, texts);
        ClassFeatures.write(run, features, ClassFeatures.key(run.file(RunDirectory.PROMPTS), clip,
                ModelRef.of(modelPath, clip).sha256(), classNames, templates));
        return features;
    }

    /** The final metrics a finished run recorded. */
    static TestMetrics finished(RunDirectory run, Consumer<String> log) throws IOException {
        log.accept("already complete: " + run.dir());
        return run.readJson(RunDirectory.FINAL, TestMetrics.class);
    }

    /** Test-split accuracy of a classifier on a dataset's classes. */
    @FunctionalInterface
    interface TestSplitEvaluation {
        EvalResult evaluate(DatasetSplits data) throws IOException;
    }

    /**
     * The protocol's final metrics: {@code test}, the test split of {@code data}; under base-to-new
     * also {@code new}, the new classes' test split, and their {@code harmonicMean}.
     */
    static TestMetrics testMetrics(DataSpec spec, DatasetSplits data, TestSplitEvaluation eval, Consumer<String> log)
            throws IOException {
        EvalResult test = eval.evaluate(data);
        log.accept(String.format("test top-1 %.2f%%  macro %.2f%%  (%d images)", test.top1(), test.macro(), test.images()));
        if (!spec.subsample().equals("base")) {
            return TestMetrics.of(test);
        }
        TestMetrics b2n = TestMetrics.baseToNew(test, eval.evaluate(spec.withSubsample("new").loadForEval()));
        log.accept(String.format("new classes top-1 %.2f%%  harmonic mean %.2f", b2n.newClasses().top1(), b2n.harmonicMean()));
        return b2n;
    }

    /** Test-split accuracy of prompts on a dataset's classes (text features computed once). */
    public EvalResult evaluate(PromptLearner prompts, DatasetSplits data, TrainSettings s) {
        try (Scope scope = Scope.open(); NoGrad g = NoGrad.open()) {
            ClassTexts texts = prompts.texts(clip, data.classNames(), templates(s.textInput(), data.name()));
            try (PromptedClassifier c = new PromptedClassifier(clip, prompts, texts)) {
                return evaluate(c, data, s);
            }
        }
    }

    /** Test-split accuracy of a frozen classifier over {@code data}'s classes. */
    public EvalResult evaluate(PromptedClassifier c, DatasetSplits data, TrainSettings s) {
        try (NoGrad g = NoGrad.open()) {
            return Evaluator.evaluate(c, data.classNames(), data.test(), clip.config().imageResolution(),
                    SampleTransforms.PROMPT_LEARNING, s.evalBatch(), s.badImages(), progress);
        }
    }

    /**
     * Teacher for the optional distillation: the {@code zeroshot-ensemble} baseline's class features
     * ({@link ZeroShotClassifier#ensembleFeatures}: all 60 ensemble templates, where the reference code
     * only used the last one), transposed (E, C), fp32, in the caller's scope and out of autograd.
     */
    public static Tensor teacherText(ClipModel clip, List<String> classNames, int textBatch, Progress.Factory progress) {
        return ZeroShotClassifier.ensembleFeatures(clip, classNames, Templates.ENSEMBLE, textBatch, progress).t();
    }
}
