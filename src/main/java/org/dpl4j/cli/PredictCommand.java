package org.dpl4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.NoGradGuard;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.ClipTransforms;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.PromptedClassifier;
import org.dpl4j.training.TrainJob;
import org.dpl4j.training.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dpl4j predict}: top-5 classes with probabilities for images, using a trained run. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Classify images with a trained run: top-5 classes and probabilities.")
final class PredictCommand implements Callable<Integer> {
    @Mixin EngineOptions engine;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "a train run directory")
    Path run;

    @Option(names = "--top", defaultValue = "5", description = "classes to show (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--model", paramLabel = "PATH", description = "use this model file instead of the recorded path")
    Path model;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        TrainedRun r = TrainedRun.read(run);
        try (ClipModel clip = r.loadModel(model, engine.placement()); PromptLearner prompts = r.loadPrompts(clip);
                Scope scope = Scope.open(); NoGradGuard g = new NoGradGuard()) {
            ClassTexts texts = prompts.texts(clip, r.classNames(), TrainJob.templates(r.settings().textInput(), r.dataset()));
            int res = clip.config().imageResolution();
            try (PromptedClassifier c = new PromptedClassifier(clip, prompts, texts)) {
                for (Path img : images) {
                    // The prompts were learnt on images decoded the DPL (Dassl) way; classify them the same way.
                    float[] px = ClipTransforms.test(SampleTransforms.PROMPT_LEARNING.decode(img), res);
                    try (Scope step = Scope.open()) {
                        float[] p = Tensors.toFloats(c.logits(px, 1).softmax(1));
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
        return 0;
    }
}
