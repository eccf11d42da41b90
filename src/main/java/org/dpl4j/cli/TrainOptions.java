package org.dpl4j.cli;

import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.TrainSettings;
import picocli.CommandLine.Option;

/** Train-stage settings; defaults are DPL's (docs/design.md §7). */
final class TrainOptions {
    @Option(names = "--epochs", description = "train epochs (default: 40; cocoop 10, maple 5)")
    Integer epochs;

    @Option(names = "--batch", description = "train batch size (default: 4; cocoop 1)")
    Integer batch;

    @Option(names = "--lr", description = "SGD learning rate (default: 0.0035; cocoop 0.002)")
    Float lr;

    @Option(names = "--text-input", description = "default | custom | ensemble | \"template with {}\" (default: ensemble)")
    String textInput;

    @Option(names = "--distill", description = "weight of the distillation to zero-shot CLIP (default: 0 = off)")
    Float distill;

    @Option(names = "--eval-batch", description = "evaluation batch size (default: 64)")
    Integer evalBatch;

    /** Fails naming {@code --text-input} when it is given for a method that reads a fixed text input. */
    void checkTextInput(String method) {
        if (textInput != null && MethodDefaults.fixedTextInput(method)) {
            throw new IllegalArgumentException("--text-input: " + method + " reads the fixed text input '"
                    + MethodDefaults.of(method).textInput() + "' (its CTX_INIT)");
        }
    }

    TrainSettings settings(long seed, LoaderOptions loader) {
        return settings(seed, "dpl", loader);
    }

    /**
     * The settings of {@code method}: its own defaults ({@link MethodDefaults}), overridden by every
     * option given, except that a method with a fixed text input keeps it ({@link #checkTextInput}).
     */
    TrainSettings settings(long seed, String method, LoaderOptions loader) {
        TrainSettings defaults = MethodDefaults.of(method);
        TrainSettings.Builder b = defaults.toBuilder().seed(seed).workers(loader.workers())
                .badImages(loader.badImages());
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (batch != null) {
            b.batchSize(batch);
        }
        if (lr != null) {
            b.sgd(defaults.sgd().withLr(lr));
        }
        if (textInput != null && !MethodDefaults.fixedTextInput(method)) {
            b.textInput(textInput);
        }
        if (distill != null) {
            b.distillWeight(distill);
        }
        if (evalBatch != null) {
            b.evalBatch(evalBatch);
        }
        return b.build();
    }
}
