package org.dpl4j.prompts;

import java.util.Set;
import org.dpl4j.model.ClipConfig;

/**
 * PromptSRC's published configurations ({@code muzairkhattak/PromptSRC} @ bb95c77,
 * {@code configs/trainers/PromptSRC/}), as data: the optimiser, the depth of its layout, the
 * self-regulating loss weights and GPA. Every config shares: SGD, cosine schedule after one constant
 * 1e-5 warm-up epoch, batch 4, lr 0.0025, {@link StreamMethod#PROMPTSRC}'s 4 text + 4 vision tokens,
 * {@code CTX_INIT} "a photo of a", text loss weight 25, image loss weight 10. They differ in:
 * <ul>
 *   <li>{@link Protocol#FEW_SHOT} ({@code vit_b16_c2_ep50_batch4_4+4ctx_few_shot.yaml}): 50 epochs, depth 9,
 *       GPA 30/30; its commented alternative 45/5 for StanfordCars, Flowers102, FGVCAircraft, DTD and
 *       EuroSAT ({@link #GPA_45_5_DATASETS}, by CoOp dataset name), which {@link #of} applies;</li>
 *   <li>{@link Protocol#BASE_TO_NEW} ({@code vit_b16_c2_ep20_batch4_4+4ctx.yaml}): 20 epochs, depth 9, GPA 15/1;</li>
 *   <li>{@link Protocol#CROSS_DATASET} ({@code vit_b16_c2_ep20_batch4_4+4ctx_cross_datasets.yaml}, trained on
 *       ImageNet): 20 epochs, depth 3, GPA 6/10. (The repository's {@code xd_train.sh} names an
 *       {@code ..._ep5_...} config that does not exist; the yaml says 20 epochs.)</li>
 * </ul>
 *
 * @param config the official config file
 * @param depth {@code PROMPT_DEPTH_TEXT} = {@code PROMPT_DEPTH_VISION}, capped at the model's blocks ({@link #layout})
 * @param textLossWeight {@code TEXT_LOSS_WEIGHT}
 * @param imageLossWeight {@code IMAGE_LOSS_WEIGHT}
 * @param gpaMean {@code GPA_MEAN} (epochs, counted from 1)
 * @param gpaStd {@code GPA_STD}
 */
public record PromptSrcPublished(String config, Protocol protocol, int epochs, float lr, int batchSize, int depth,
        float textLossWeight, float imageLossWeight, double gpaMean, double gpaStd) {

    /** The method's name ({@code --preset}, {@code --baselines}). */
    public static final String METHOD = "promptsrc";

    /** The few-shot datasets of the config's commented GPA alternative 45/5, by CoOp dataset name. */
    public static final Set<String> GPA_45_5_DATASETS = Set.of("StanfordCars", "OxfordFlowers", "FGVCAircraft",
            "DescribableTextures", "EuroSAT");

    /** The evaluation protocol a config was published for. */
    public enum Protocol {
        FEW_SHOT, BASE_TO_NEW, CROSS_DATASET
    }

    /**
     * The published config of {@code protocol}; for {@link Protocol#FEW_SHOT} the GPA of {@code dataset}
     * (its CoOp name, as {@code DatasetSplits.name()}; null or another name: the config's 30/30).
     */
    public static PromptSrcPublished of(Protocol protocol, String dataset) {
        return switch (protocol) {
            case FEW_SHOT -> dataset != null && GPA_45_5_DATASETS.contains(dataset)
                    ? config("vit_b16_c2_ep50_batch4_4+4ctx_few_shot.yaml (GPA_MEAN 45, GPA_STD 5: the commented alternative)",
                            protocol, 50, 9, 45, 5)
                    : config("vit_b16_c2_ep50_batch4_4+4ctx_few_shot.yaml", protocol, 50, 9, 30, 30);
            case BASE_TO_NEW -> config("vit_b16_c2_ep20_batch4_4+4ctx.yaml", protocol, 20, 9, 15, 1);
            case CROSS_DATASET -> config("vit_b16_c2_ep20_batch4_4+4ctx_cross_datasets.yaml", protocol, 20, 3, 6, 10);
        };
    }

    /** The config's layout on a model: {@link StreamMethod#PROMPTSRC}'s tokens in blocks 0 … depth−1 (capped). */
    public StreamLayout layout(ClipConfig c) {
        return StreamMethod.PROMPTSRC.published(c, depth);
    }

    private static PromptSrcPublished config(String file, Protocol protocol, int epochs, int depth, double gpaMean,
            double gpaStd) {
        return new PromptSrcPublished(file, protocol, epochs, 0.0025f, 4, depth, 25f, 10f, gpaMean, gpaStd);
    }
}
