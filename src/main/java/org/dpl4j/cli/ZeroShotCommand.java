package org.dpl4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.dpl4j.data.BadSampleException;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.image.DecodeOrder;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.Templates;
import org.dpl4j.training.ClassTally;
import org.dpl4j.training.Evaluator;
import org.dpl4j.training.ZeroShotClassifier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dpl4j zeroshot}: accuracy of plain CLIP on labelled images, the baseline every prompt
 * learner is compared with. Arguments are checked (templates, model path, data) before the model
 * is loaded, so mistakes fail in a second with one line.
 */
@Command(name = "zeroshot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Zero-shot CLIP accuracy: top-1, macro and per class.",
            "Images: --data DIR (all of DIR/<class>/*) or --dataset NAME --root DIR (a CoOp test split)."})
final class ZeroShotCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TestSetOptions testSet;

    @Option(names = "--templates", defaultValue = "handcrafted", paramLabel = "SPEC",
            description = "handcrafted (the dataset's template in CoOp's zero-shot CLIP, e.g. \"{} texture.\"; \""
                    + Templates.DEFAULT + "\" for an image folder), default (\"" + Templates.DEFAULT + "\"), ensemble"
                    + " (CLIP's feature mean over the 60 templates), custom (DPL's template of the dataset) or a"
                    + " template with {} for the class. Default: ${DEFAULT-VALUE}.")
    String templates;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N",
            description = "images (and texts) per forward pass. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Option(names = "--skip-bad-images", description = "leave unreadable images out (counted as skipped)"
            + " instead of stopping")
    boolean skipBadImages;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        List<String> templateList = Templates.resolve(templates, testSet.name());
        model.check();
        DatasetSplits data = testSet.load();
        if (data.test().isEmpty()) {
            throw new IOException(testSet.describe() + ": no test images");
        }
        ClassTally tally;
        try (ClipModel clip = model.load(engine.placement());
                ZeroShotClassifier classifier = ZeroShotClassifier.build(clip, model.model, data.classNames(), templateList, batch,
                        engine.progress())) {
            // Zero-shot CLIP as OpenAI's clip.load preprocesses: its numbers are CLIP's, not a DPL run's.
            tally = Evaluator.tally(classifier, data.classNames(), data.test(), clip.config().imageResolution(),
                    DecodeOrder.OPENAI, batch,
                    skipBadImages ? BadSamplePolicy.SKIP : BadSamplePolicy.FAIL, engine.progress());
        } catch (BadSampleException e) {
            throw new IOException(e.getCause().getMessage() + " (--skip-bad-images leaves such files out)", e);
        }
        ZeroShotReport report = new ZeroShotReport(model.model.toString(), testSet.describe(), templates,
                templateList.size(), tally);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() + System.lineSeparator() : report.text());
        out.flush();
        return 0;
    }
}
