package org.dpl4j.training;

import java.util.Locale;
import org.dpl4j.data.Datasets;
import org.dpl4j.prompts.CoCoOp;
import org.dpl4j.prompts.MaPLe;
import org.dpl4j.prompts.PromptLearners;
import org.dpl4j.prompts.ZeroShotBaseline;
import org.dpl4j.run.RunInfo;
import org.dpl4j.prompts.PromptSrcPublished;

/**
 * Default train settings per method: the baselines with a learner of their own train with their
 * published configs; every other method with DPL's ({@link TrainSettings#defaults()}). All use
 * Dassl's SGD (momentum 0.9, weight decay 5e-4) and cosine schedule after one constant 1e-5 epoch.
 * <ul>
 *   <li>CoCoOp ({@code configs/trainers/CoCoOp/vit_b16_c4_ep10_batch1_ctxv1.yaml}): lr 0.002, batch 1, 10 epochs;</li>
 *   <li>MaPLe ({@code configs/trainers/MaPLe/vit_b16_c2_ep5_batch4_2ctx.yaml}): lr 0.0035, batch 4, 5 epochs;</li>
 *   <li>IVLP ({@code configs/trainers/IVLP/vit_b16_c2_ep5_batch4_2+2ctx.yaml}): lr 0.0035, batch 4, 5 epochs;</li>
 *   <li>deep VPT ({@code configs/trainers/VPT/vit_b16_c2_ep5_batch4_4.yaml}): lr 0.0025, batch 4, 5 epochs;</li>
 *   <li>PromptSRC ({@link PromptSrcPublished}; {@code vit_b16_c2_ep50_batch4_4+4ctx_few_shot.yaml}): lr 0.0025, batch 4,
 *       50 epochs ({@link #promptSrc} gives the settings of its other protocols).</li>
 * </ul>
 * All read the fixed text input "a photo of a {}." (their {@code CTX_INIT}), which the settings record.
 */
public final class MethodDefaults {
    private MethodDefaults() {}

    public static TrainSettings of(String method) {
        TrainSettings d = TrainSettings.defaults();
        return switch (method.toLowerCase(Locale.ROOT)) {
            case CoCoOp.METHOD -> with(d, 10, 1, 0.002f);
            case MaPLe.METHOD, "ivlp" -> with(d, 5, 4, 0.0035f);
            case "vpt-deep", "vpt" -> with(d, 5, 4, 0.0025f);
            case PromptSrcPublished.METHOD -> promptSrc(PromptSrcPublished.of(PromptSrcPublished.Protocol.FEW_SHOT, null));
            default -> d;
        };
    }

    /**
     * {@code method}'s defaults for a run on classes {@code subsample} ("all", "base" or "new"):
     * PromptSRC trains base classes with its base-to-new config (20 epochs, GPA 15/1) and all classes
     * with its few-shot one; every other method as {@link #of(String)}. The dataset's share of the
     * defaults comes after the options, from {@link #forDataset}.
     */
    public static TrainSettings of(String method, String subsample) {
        if (PromptSrcPublished.METHOD.equals(method.toLowerCase(Locale.ROOT)) && "base".equals(subsample)) {
            return promptSrc(PromptSrcPublished.of(PromptSrcPublished.Protocol.BASE_TO_NEW, null));
        }
        return of(method);
    }

    /**
     * {@code s} for a run on {@code dataset}: where it holds PromptSRC's few-shot config, that config's
     * GPA for the dataset (its commented 45/5 for StanfordCars, Flowers, Aircraft, DTD and EuroSAT,
     * {@link PromptSrcPublished#of}); everything else unchanged, also the epochs an option set.
     */
    public static TrainSettings forDataset(TrainSettings s, String dataset) {
        SelfRegulation few = SelfRegulation.of(PromptSrcPublished.of(PromptSrcPublished.Protocol.FEW_SHOT, null));
        if (s.selfRegulation() == null || !s.selfRegulation().equals(few)) {
            return s;
        }
        String name = Datasets.known(dataset) ? Datasets.canonicalName(dataset) : null; // an image folder: the config's own
        return s.toBuilder().selfRegulation(SelfRegulation.of(PromptSrcPublished.of(PromptSrcPublished.Protocol.FEW_SHOT, name)))
                .build();
    }

    /** The train settings of a published PromptSRC config, its loss weights and GPA included ({@link SelfRegulation}). */
    public static TrainSettings promptSrc(PromptSrcPublished config) {
        return with(TrainSettings.defaults(), config.epochs(), config.batchSize(), config.lr()).toBuilder()
                .selfRegulation(SelfRegulation.of(config)).build();
    }

    /** How {@code method}'s prompts enter CLIP, as run.json records it ({@link RunInfo#MECHANISMS}). */
    public static String mechanism(String method) {
        String m = method.toLowerCase(Locale.ROOT);
        if (ZeroShotBaseline.named(m).isPresent()) {
            return RunInfo.NONE;
        }
        if (CoCoOp.METHOD.equals(m)) {
            return RunInfo.CONDITIONAL;
        }
        return PromptLearners.inStream(m) ? RunInfo.STREAM : RunInfo.KEY_VALUE;
    }

    /** Whether the method reads a fixed text input, so that {@code --text-input} does not apply to it. */
    public static boolean fixedTextInput(String method) {
        return org.dpl4j.prompts.PromptLearners.ownLearner(method);
    }

    private static TrainSettings with(TrainSettings d, int epochs, int batch, float lr) {
        return d.toBuilder().epochs(epochs).batchSize(batch).sgd(d.sgd().withLr(lr)).textInput(CoCoOp.TEMPLATE).build();
    }
}
