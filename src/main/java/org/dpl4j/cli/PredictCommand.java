package org.dpl4j.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.ClipTransforms;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.PromptedClassifier;
import org.dpl4j.training.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dpl4j predict}: top-5 classes with probabilities for images, using a trained run. Deep-prompt
 * runs read their class text features from the run's {@code class-features.safetensors} (written by
 * {@code train}) when it matches, so only the image encoder runs; {@code --timing} prints where the
 * time went.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Classify images with a trained run: top-5 classes and probabilities.")
final class PredictCommand implements Callable<Integer> {
    @Mixin EngineOptions engine;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "a train run directory")
    Path run;

    @Option(names = "--top", defaultValue = "5", description = "classes to show (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--model", paramLabel = "PATH", description = "use this model file instead of the recorded path")
    Path model;

    @Option(names = "--timing", description = "print the time of each phase to stderr (lines 'timing <phase> <seconds>')")
    boolean timing;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files")
    List<Path> images;

    /** Phases and their seconds, in order. */
    private final List<String> phases = new ArrayList<>();
    private long mark;

    private void phase(String name, String note) {
        long now = System.nanoTime();
        phases.add(String.format("timing %-24s %8.3f%s", name, (now - mark) / 1e9, note == null ? "" : "  (" + note + ")"));
        mark = now;
    }

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        mark = start;
        // JVM start to this command: class loading, picocli, the natives (JavaCPP's loader runs on first use)
        phases.add(String.format("timing %-24s %8.3f", "jvm-to-command", ManagementFactory.getRuntimeMXBean().getUptime() / 1e3));
        Consumer<String> log = Logs.stderr(engine.quiet);
        String[] featureSource = {null};
        Consumer<String> featureLog = m -> {
            featureSource[0] = m;
            log.accept(m);
        };
        TrainedRun r = TrainedRun.read(run);
        String sha = r.modelSha256(model);
        phase("read-run", model != null ? "with the SHA-256 of --model" : null);
        try (ClipModel clip = r.loadModel(model, engine.placement())) {
            phase("model-load", clip.placement().precision().label() + " on " + clip.placement().device());
            try (PromptLearner prompts = r.loadPrompts(clip); Scope scope = Scope.open(); NoGrad g = NoGrad.open()) {
                phase("prompts-load", null);
                int res = clip.config().imageResolution();
                try (PromptedClassifier c = r.classifier(clip, prompts, r.classNames(), r.dataset(), sha, featureLog)) {
                    phase("text-features", featureSource[0] == null ? "computed: this method's text features are not stored"
                            : featureSource[0].replaceFirst("^class text features: ", "").replaceFirst("^computing them", "computed"));
                    for (Path img : images) {
                        // The prompts were learnt on images decoded the DPL (Dassl) way; classify them the same way.
                        float[] px = ClipTransforms.test(SampleTransforms.PROMPT_LEARNING.decode(img), res);
                        phase("image-decode+preprocess", img.getFileName().toString());
                        try (Scope step = Scope.open()) {
                            float[] p = Tensors.toFloats(c.logits(px, 1).softmax(1));
                            phase("image-encode+classify", img.getFileName().toString());
                            Integer[] idx = new Integer[p.length];
                            for (int i = 0; i < idx.length; i++) {
                                idx[i] = i;
                            }
                            java.util.Arrays.sort(idx, (a, b) -> Float.compare(p[b], p[a]));
                            System.out.println(img);
                            for (int k = 0; k < Math.min(top, idx.length); k++) {
                                System.out.printf("  %6.2f%%  %s%n", 100 * p[idx[k]], r.classNames().get(idx[k]));
                            }
                        }
                    }
                }
            }
        }
        System.out.flush();
        if (timing) {
            phase("close", null);
            phases.add(String.format("timing %-24s %8.3f", "command-total", (System.nanoTime() - start) / 1e9));
            phases.forEach(System.err::println);
            System.err.flush();
        }
        return 0;
    }
}
