package org.dpl4j.cli;

import org.dpl4j.data.BadSamplePolicy;
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

    @Option(names = "--workers", description = "image decoding threads (default: cores)")
    Integer workers;

    @Option(names = "--skip-bad-images", description = "skip and count unreadable images instead of failing")
    boolean skipBad;

    /** Fails naming {@code --text-input} when it is given for a method that reads a fixed text input. */
    void checkTextInput(String method) {
        if (textInput != null && MethodDefaults.fixedTextInput(method)) {
            throw new IllegalArgumentException("--text-input: " + method + " reads the fixed text input '"
                    + MethodDefaults.of(method).textInput() + "' (its CTX_INIT)");
        }
    }

    TrainSettings settings(long seed) {
        return settings(seed, "dpl");
    }

    /**
     * The settings of {@code method}: its own defaults ({@link MethodDefaults}), overridden by every
     * option given, except that a method with a fixed text input keeps it ({@link #checkTextInput}).
     */
    TrainSettings settings(long seed, String method) {
        TrainSettings d = MethodDefaults.of(method);
        String text = MethodDefaults.fixedTextInput(method) ? d.textInput() : textInput;
        return new TrainSettings(epochs != null ? epochs : d.epochs(), batch != null ? batch : d.batchSize(),
                lr != null ? lr : d.lr(), d.momentum(), d.weightDecay(), d.warmupEpochs(), d.warmupLr(), d.initStd(),
                text != null ? text : d.textInput(), distill != null ? distill : d.distillWeight(), seed,
                workers != null ? workers : d.workers(), evalBatch != null ? evalBatch : d.evalBatch(),
                skipBad ? BadSamplePolicy.SKIP : BadSamplePolicy.FAIL);
    }
}
