package org.dpl4j.training;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.optim.Optimizer;
import org.dpl4j.training.optim.Sgd;
import org.dpl4j.util.Progress;

/**
 * DPL's train stage: fresh prompts of exactly the configured lengths, trained with SGD on the
 * few-shot train split (train augmentation), checkpointed at every epoch end so a killed run
 * resumes where it stopped and ends with the same numbers as an uninterrupted one. With
 * {@link #withGpa} the prompts it leaves are PromptSRC's Gaussian aggregate over the epochs
 * ({@link GaussianPromptAggregation}), whose running sum the checkpoints carry.
 */
public final class PromptTrainer {
    private final ClipModel clip;
    private final TrainSettings settings;
    private final Progress.Factory progress;
    private final Consumer<String> log;
    private final GaussianPromptAggregation.Schedule gpa;

    public PromptTrainer(ClipModel clip, TrainSettings settings, Progress.Factory progress, Consumer<String> log) {
        this(clip, settings, progress, log, null);
    }

    private PromptTrainer(ClipModel clip, TrainSettings settings, Progress.Factory progress, Consumer<String> log,
            GaussianPromptAggregation.Schedule gpa) {
        this.clip = clip;
        this.settings = settings;
        this.progress = progress;
        this.log = log;
        this.gpa = gpa;
    }

    /**
     * This trainer, leaving the GPA aggregate of the prompts over all {@code settings.epochs()} epochs
     * instead of the last epoch's prompts (PromptSRC); the checkpoints carry the running sum.
     */
    public PromptTrainer withGpa(GaussianPromptAggregation.Schedule schedule) {
        return new PromptTrainer(clip, settings, progress, log, schedule);
    }

    /**
     * Trains (or resumes) and returns the prompts; the caller owns and closes them.
     *
     * @param teacher zero-shot text features for distillation (unit columns, (E, C): {@code TrainJob.teacherText}), or null
     */
    public DeepPrompts train(DatasetSplits data, PromptConfig config, ClassTexts texts, Tensor teacher, RunDirectory run)
            throws IOException {
        DeepPrompts prompts = DeepPrompts.init(config, clip, settings.initStd(), settings.seed());
        try {
            train(prompts, data, texts, teacher, run);
            return prompts;
        } catch (IOException | RuntimeException e) {
            prompts.close();
            throw e;
        }
    }

    /**
     * Trains (or resumes) the learnable tensors of {@code prompts} in place; the caller owns them.
     *
     * @param texts the frozen text input of the method ({@link PromptLearner#texts})
     */
    public void train(PromptLearner prompts, DatasetSplits data, ClassTexts texts, Tensor teacher, RunDirectory run)
            throws IOException {
        Map<String, Tensor> params = prompts.parameters();
        SelfRegulation regime = settings.selfRegulation();
        GaussianPromptAggregation.Schedule gpa = this.gpa != null ? this.gpa : regime != null ? regime.gpa() : null;
        PromptSrcLoss srcLoss = regime == null ? null : regime.loss();
        try (Sgd sgd = settings.sgd().optimizer();
                GaussianPromptAggregation aggregate = gpa == null || params.isEmpty() ? null
                        : new GaussianPromptAggregation(params, settings.epochs(), gpa.mean(), gpa.std());
                // PromptSRC's frozen side: the 60 templates' mean features of the classes, once per run
                FrozenBranch frozen = srcLoss == null || params.isEmpty() ? null
                        : FrozenBranch.build(clip, data.classNames(), settings.evalBatch(), progress)) {
            EpochLoop.EpochLog<EpochMetrics> history = new EpochLoop.EpochLog<>(RunDirectory.METRICS_LOG, EpochMetrics.class,
                    EpochMetrics::epoch);
            EpochLoop loop = new EpochLoop("train", settings.epochs(), run, progress, log)
                    .parameters(params, "prompts").optimizer("sgd", sgd).log(history);
            if (aggregate != null) {
                loop.state("gpa", aggregate);
            }
            int start = loop.resume();
            if (params.isEmpty()) {
                log.accept("no prompts to train (all lengths 0): CLIP on the frozen text input as it is");
                return;
            }
            int res = clip.config().imageResolution();
            try (BatchLoader loader = BatchLoader.builder(data.train(), SampleTransforms.train(res)).batchSize(settings.batchSize())
                    .training(settings.seed()).workers(settings.workers()).onBadSample(settings.badImages()).build()) {
                if (loader.batchesPerEpoch() == 0) {
                    throw new IllegalArgumentException("train split has " + data.train().size()
                            + " images, fewer than one batch of " + settings.batchSize());
                }
                // planned once per run (on a GPU from the memory free now), so that every step sums its gradients alike
                TextChunks.Plan textPlan = TextChunks.plan(clip, texts);
                loop.run(start, loader.batchesPerEpoch(), epoch -> {
                    float lr = settings.schedule().lr(epoch.index());
                    double lossSum = 0;
                    int correct = 0;
                    int seen = 0;
                    int steps = 0;
                    try (BatchLoader.Epoch it = loader.epoch(epoch.index())) {
                        while (it.hasNext()) {
                            Batch b = it.next();
                            StepOutcome o = step(prompts, texts, textPlan, teacher, frozen, b, sgd, lr);
                            lossSum += o.loss();
                            correct += o.correct();
                            seen += b.labels().length;
                            steps++;
                            epoch.progress().step(1, String.format("loss %.3f", lossSum / steps));
                        }
                    }
                    double secs = epoch.seconds();
                    EpochMetrics em = new EpochMetrics(epoch.index() + 1, lr, lossSum / steps, 100.0 * correct / seen, steps,
                            secs, Double.NaN, Double.NaN);
                    history.add(em);
                    return String.format("epoch %d/%d  lr %.2e  loss %.4f  train acc %.1f%%  %.1fs",
                            epoch.index() + 1, settings.epochs(), lr, em.loss(), em.trainAcc(), secs);
                }, EpochLoop.StopRule.NEVER);
            }
            if (aggregate != null) {
                aggregate.applyTo(params);
                log.accept(String.format("GPA: prompts aggregated over %d epochs (mean %s, std %s)", settings.epochs(),
                        gpa.mean(), gpa.std()));
            }
        }
    }

    /** A step's mean loss over its batch and the batch's correct predictions. */
    public record StepOutcome(float loss, int correct) {}

    /**
     * One train step on batch {@code b}: forward, the method's loss (PromptSRC's self-regulating terms
     * against {@code frozen} when given; else cross-entropy, plus distillation towards {@code teacher}
     * when set), the gradients of {@code prompts}' parameters and the update at rate {@code lr} (the
     * stage's SGD; tests hand in an optimiser that records the gradients).
     * Where the learner's text does not depend on the image ({@link PromptLearner#towers}) the classes
     * go through the text encoder as {@code textPlan} says ({@link TextChunks}, docs/design.md §6.11);
     * otherwise (CoCoOp) in the one pass of {@link PromptLearner#logits}. The meta-device test runs
     * exactly this.
     *
     * @param frozen PromptSRC's frozen branch ({@link FrozenBranch#build}), or null
     */
    public StepOutcome step(PromptLearner prompts, ClassTexts texts, TextChunks.Plan textPlan, Tensor teacher,
            FrozenBranch frozen, Batch b, Optimizer optimizer, float lr) {
        int[] hits = new int[1];
        Optional<PromptLearner.Towers> towers = prompts.towers(clip);
        float loss;
        if (towers.isPresent()) {
            PromptLearner.Towers t = towers.get();
            loss = StepRunner.step(new TextPass(texts, t.text(), textPlan), txt -> {
                Tensor images = images(b);
                Tensor imageFeatures = t.image().apply(images);
                if (frozen != null) {
                    SelfRegulation.Batch sb = SelfRegulation.terms(settings.selfRegulation().loss(), frozen, clip, images,
                            imageFeatures, txt, b.labels());
                    hits[0] = Losses.correct(sb.logits(), b.labels());
                    return sb.terms().total();
                }
                return supervised(clip.logits(imageFeatures, txt), b, teacher, hits);
            }, prompts.parameters(), optimizer, lr);
        } else if (frozen != null) {
            throw new IllegalArgumentException("PromptSRC's loss regularises the class text features, and "
                    + prompts.getClass().getSimpleName() + "'s depend on the image");
        } else {
            loss = StepRunner.step(() -> supervised(prompts.logits(clip, images(b), texts), b, teacher, hits),
                    prompts.parameters(), optimizer, lr);
        }
        return new StepOutcome(loss, hits[0]);
    }

    /** Cross-entropy of {@code logits}, plus distillation towards {@code teacher} when set; the batch's hits into {@code hits[0]}. */
    private Tensor supervised(Tensor logits, Batch b, Tensor teacher, int[] hits) {
        hits[0] = Losses.correct(logits, b.labels());
        Tensor l = Losses.crossEntropy(logits, b.labels());
        if (teacher != null && settings.distillWeight() > 0) {
            Tensor tl = teacherLogits(clip, images(b), teacher);
            l = l.add(Tensors.mul(Losses.distillation(logits, tl), settings.distillWeight()));
        }
        return l;
    }

    private Tensor images(Batch b) {
        int res = clip.config().imageResolution();
        return Tensors.floats(b.pixels(), clip.device(), b.labels().length, 3, res, res);
    }

    /** The frozen zero-shot CLIP's logits, a constant for autograd. */
    static Tensor teacherLogits(ClipModel clip, Tensor images, Tensor teacherTextT) {
        return FrozenBranch.zeroShotLogits(clip, FrozenBranch.zeroShotImage(clip, images), teacherTextT);
    }
}
