package org.dpl4j.cli;

import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.training.TrainSettings;
import picocli.CommandLine.Option;

/** Train-stage settings; defaults are DPL's (docs/design.md §7). */
final class TrainOptions {
    @Option(names = "--epochs", description = "train epochs (default: 40)")
    Integer epochs;

    @Option(names = "--batch", description = "train batch size (default: 4)")
    Integer batch;

    @Option(names = "--lr", description = "SGD learning rate (default: 0.0035)")
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

    TrainSettings settings(long seed) {
        TrainSettings d = TrainSettings.defaults();
        return new TrainSettings(epochs != null ? epochs : d.epochs(), batch != null ? batch : d.batchSize(),
                lr != null ? lr : d.lr(), d.momentum(), d.weightDecay(), d.warmupEpochs(), d.warmupLr(), d.initStd(),
                textInput != null ? textInput : d.textInput(), distill != null ? distill : d.distillWeight(), seed,
                workers != null ? workers : d.workers(), evalBatch != null ? evalBatch : d.evalBatch(),
                skipBad ? BadSamplePolicy.SKIP : BadSamplePolicy.FAIL);
    }
}
