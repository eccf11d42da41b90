package org.dpl4j.prompts;

import java.util.Locale;
import java.util.Optional;

/**
 * The zero-shot CLIP baselines a run can name next to its prompt layouts. Nothing is learned:
 * each class is CLIP's own text feature of its hand-written prompt, so these are evaluated as
 * such ({@code org.dpl4j.training.ZeroShotJob}), never through the prompt learner's frozen text input.
 */
public enum ZeroShotBaseline {
    /**
     * Zero-shot CLIP as CoOp's {@code ZeroshotCLIP} and the papers comparing with it report it: the
     * normalised text features of the dataset's hand-crafted template ({@link Templates#handcrafted}).
     */
    HANDCRAFTED("zeroshot", "handcrafted", "CLIP text features of the dataset's hand-crafted template"),
    /**
     * CLIP's prompt ensembling: per class, the mean of the normalised text features of the 60
     * {@link Templates#ENSEMBLE} templates, normalised again.
     */
    ENSEMBLE("zeroshot-ensemble", "ensemble", "mean of the normalised CLIP text features of the 60 ensemble templates");

    private final String method;
    private final String templates;
    private final String textFeatures;

    ZeroShotBaseline(String method, String templates, String textFeatures) {
        this.method = method;
        this.templates = templates;
        this.textFeatures = textFeatures;
    }

    /** The baseline a method name means ({@code zeroshot}, or its aliases {@code zero-shot}, {@code clip}), if any. */
    public static Optional<ZeroShotBaseline> named(String name) {
        return Optional.ofNullable(switch (name.toLowerCase(Locale.ROOT)) {
            case "zeroshot", "zero-shot", "clip" -> HANDCRAFTED;
            case "zeroshot-ensemble", "zero-shot-ensemble", "clip-ensemble" -> ENSEMBLE;
            default -> null;
        });
    }

    /** The name runs and results tables label it with. */
    public String method() {
        return method;
    }

    /** Its {@link Templates#resolve} spec. */
    public String templates() {
        return templates;
    }

    /** How the class features are made, as run.json records it. */
    public String textFeatures() {
        return textFeatures;
    }
}
