package org.dpl4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.Tensor;
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
import org.dpl4j.training.Losses;
import org.dpl4j.training.SelfRegulation;
import org.dpl4j.util.Progress;
import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.StepRunner;
import org.dpl4j.training.TrainSettings;
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
            int[] labels = IntStream.range(0, batch).map(i -> i % names.size()).toArray();
            int res = config.imageResolution();
            ProcessStats.resetPeakRss();
            PromptLearner.Towers towers = frozen == null ? null : learner.towers(clip).orElseThrow();
            Runnable one = () -> {
                try (Scope scope = Scope.open()) {
                    Tensor images = Tensors.randn(clip.device(), batch, 3, res, res);
                    StepRunner.step(() -> frozen != null
                            ? SelfRegulation.terms(regime.loss(), frozen, clip, images, towers.image().apply(images),
                                    towers.text().apply(texts), labels).terms().total()
                            : Losses.crossEntropy(learner.logits(clip, images, texts), labels), learner.parameters(), sgd,
                            s.sgd().lr());
                }
            };
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
}
