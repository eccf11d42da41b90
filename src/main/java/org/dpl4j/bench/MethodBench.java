package org.dpl4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.data.Sample;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.CoCoOp;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.PromptLearners;
import org.dpl4j.prompts.Presets;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.FrozenBranch;
import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.PromptTrainer;
import org.dpl4j.training.SelfRegulation;
import org.dpl4j.training.TextChunks;
import org.dpl4j.training.TrainSettings;
import org.dpl4j.util.Progress;
import org.dpl4j.training.optim.Sgd;
import org.dpl4j.util.ProcessStats;

/**
 * Trainable parameters and seconds per train step of each prompt-learning method at given CLIP
 * dimensions (random weights) on one {@link Placement}, each at its own published batch size, on
 * "a photo of a {class}." texts: what a method costs next to DPL's layouts.
 */
public final class MethodBench {
    /** One method: its learned scalars and one SGD step's time at its batch. */
    public record Row(String method, long parameters, int batch, int classes, double secondsPerStep, double peakRssGb) {}

    private final ClipConfig config;
    private final Placement placement;
    private final int warmup;
    private final int steps;
    private final Consumer<String> log;

    public MethodBench(ClipConfig config, Placement placement, int warmup, int steps, Consumer<String> log) {
        this.config = config;
        this.placement = placement;
        this.warmup = warmup;
        this.steps = steps;
        this.log = log;
    }

    /** @param methods preset names ({@link Presets}) */
    public List<Row> run(List<String> methods, int classes) {
        List<Row> rows = new ArrayList<>();
        try (ClipModel clip = Benchmark.model(config, placement)) {
            List<String> names = IntStream.range(0, classes).mapToObj(c -> "class " + c).toList();
            for (String method : methods) {
                rows.add(step(clip, method, names));
            }
        }
        return rows;
    }

    private Row step(ClipModel clip, String method, List<String> names) {
        PromptConfig cfg = Presets.resolve(method, config);
        TrainSettings s = MethodDefaults.of(method);
        SelfRegulation regime = s.selfRegulation();
        try (Scope m = Scope.open(); PromptLearner learner = PromptLearners.init(method, cfg, clip, s.initStd(), 1);
                Sgd sgd = s.sgd().optimizer();
                // PromptSRC's step also runs the frozen image encoder and its loss terms (built once, as a run does)
                FrozenBranch frozen = regime == null ? null : FrozenBranch.build(clip, names, 64, Progress.NONE)) {
            ClassTexts texts = learner.texts(clip, names, List.of(CoCoOp.TEMPLATE));
            int batch = s.batchSize();
            Batch images = randomBatch(batch, names);
            // the train stage's own step, classes through the text encoder as a run plans them
            PromptTrainer trainer = new PromptTrainer(clip, s, Progress.NONE, line -> {});
            TextChunks.Plan textPlan = TextChunks.plan(clip, texts);
            ProcessStats.resetPeakRss();
            Runnable one = () -> trainer.step(learner, texts, textPlan, null, frozen, images, sgd, s.sgd().lr());
            for (int i = 0; i < warmup; i++) {
                one.run();
            }
            Benchmark.sync(clip.device());
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                one.run();
            }
            Benchmark.sync(clip.device());
            double secs = (System.nanoTime() - t0) / 1e9 / steps;
            log.accept(String.format("%-10s %.2f s/step", method, secs));
            return new Row(method, learner.trainableParameters(), batch, names.size(), secs, ProcessStats.peakRssGb());
        }
    }

    /** {@code n} random images (N(0, 1) pixels, as the benchmark's other steps use), labels cycling over the classes. */
    private Batch randomBatch(int n, List<String> names) {
        int res = config.imageResolution();
        java.util.Random rng = new java.util.Random(1);
        float[] pixels = new float[n * 3 * res * res];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextGaussian();
        }
        int[] labels = new int[n];
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels[i] = i % names.size();
            samples.add(new Sample(Path.of("random-" + i), labels[i], names.get(labels[i])));
        }
        return new Batch(pixels, labels, samples);
    }
}
