package org.dpl4j.cli;

import org.dpl4j.training.MethodDefaults;
import org.dpl4j.training.SgdSchedule;
import org.dpl4j.training.TrainSettings;
import picocli.CommandLine.Option;

/**
 * Train-stage settings; defaults are DPL's (docs/design.md §7), and the help shows them from
 * {@link TrainSettings}'s constants. The options stay null when not given, so that a method with
 * published settings of its own ({@link MethodDefaults}) keeps them.
 */
final class TrainOptions {
    /** How the help names the methods whose defaults are their own. */
    private static final String OWN = "; methods with a learner of their own: their published value";

    @Option(names = "--epochs", description = "train epochs (default: " + TrainSettings.EPOCHS + OWN + ")")
    Integer epochs;

    @Option(names = "--batch", description = "train batch size (default: " + TrainSettings.BATCH_SIZE + OWN + ")")
    Integer batch;

    @Option(names = "--lr", description = "SGD learning rate (default: " + SgdSchedule.DPL_LR + OWN + ")")
    Float lr;

    @Option(names = "--text-input", description = "default | custom | ensemble | \"template with {}\" (default: "
            + TrainSettings.TEXT_INPUT + "; methods with a learner of their own read their fixed one)")
    String textInput;

    @Option(names = "--distill", description = "weight of the distillation to zero-shot CLIP (default: "
            + TrainSettings.DISTILL_WEIGHT + " = off)")
    Float distill;

    @Option(names = "--eval-batch", description = "evaluation batch size (default: " + TrainSettings.EVAL_BATCH + ")")
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
        return settings(seed, method, "all", loader);
    }

    /** As {@link #settings(long, String, LoaderOptions)}, from the method's defaults for classes {@code subsample}. */
    TrainSettings settings(long seed, String method, String subsample, LoaderOptions loader) {
        TrainSettings defaults = MethodDefaults.of(method, subsample);
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
