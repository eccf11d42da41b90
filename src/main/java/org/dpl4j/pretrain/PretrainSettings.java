package org.dpl4j.pretrain;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.prompts.Templates;

/**
 * Everything that decides what {@link Pretrainer} computes. Two runs with equal settings (and the
 * same data on disk) produce the same parameters, whatever the thread timing; {@link #workers} and
 * {@link #checkpointEvery} only change speed and crash safety, so a run may be resumed with other
 * values for them.
 *
 * @param model dims of the CLIP to train from scratch
 * @param datasets where the image–caption pairs come from (train splits only)
 * @param epochs passes over all pairs; the cosine schedule spans {@code epochs × batchesPerEpoch} steps
 * @param batchSize pairs per step; the contrastive loss compares every image with every caption of a batch
 * @param lr peak AdamW learning rate, reached after {@code warmupSteps}
 * @param weightDecay decoupled weight decay of the matrices (gains, biases, embeddings and the
 *     temperature get none)
 * @param warmupSteps linear warm-up from {@code lr/warmupSteps} to {@code lr}
 * @param seed fixes initial weights, data order, augmentation and caption choice
 * @param templates caption templates with a {@code {}} for the class name, one drawn per image and epoch
 * @param checkpointEvery also checkpoint every this many steps inside an epoch (0 = only at epoch ends)
 * @param workers image decoding threads
 * @param badImages whether an unreadable image stops the run (naming it) or is skipped
 */
public record PretrainSettings(
        ClipConfig model,
        List<DatasetSpec> datasets,
        int epochs,
        int batchSize,
        float lr,
        float weightDecay,
        int warmupSteps,
        long seed,
        List<String> templates,
        int checkpointEvery,
        int workers,
        BadSamplePolicy badImages) {

    /** AdamW betas and epsilon of the CLIP paper (ViT models): β2 = 0.98 for stability at large batch. */
    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.98f;
    public static final float EPS = 1e-6f;

    /**
     * One dataset to draw training pairs from.
     *
     * @param name a name {@link org.dpl4j.data.Datasets} knows ({@code Caltech101}, {@code ImageNet}, {@code imagefolder}...)
     * @param root the folder containing the dataset folder (for {@code imagefolder}: the image folder itself)
     */
    public record DatasetSpec(String name, @JsonSerialize(using = ToStringSerializer.class) Path root) {
        public DatasetSpec {
            Objects.requireNonNull(name, "dataset name");
            Objects.requireNonNull(root, "dataset root");
        }
    }

    public PretrainSettings {
        Objects.requireNonNull(model, "model");
        datasets = List.copyOf(datasets);
        templates = List.copyOf(templates);
        Objects.requireNonNull(badImages, "badImages");
        require(!datasets.isEmpty(), "at least one dataset is needed");
        require(epochs >= 1, "epochs must be >= 1, got " + epochs);
        require(batchSize >= 2, "batch size must be >= 2 (a contrastive batch needs negatives), got " + batchSize);
        require(lr > 0 && Float.isFinite(lr), "learning rate must be positive, got " + lr);
        require(weightDecay >= 0, "weight decay must be >= 0, got " + weightDecay);
        require(warmupSteps >= 0, "warm-up steps must be >= 0, got " + warmupSteps);
        require(checkpointEvery >= 0, "checkpoint interval must be >= 0, got " + checkpointEvery);
        require(workers >= 1, "workers must be >= 1, got " + workers);
        require(!templates.isEmpty(), "at least one caption template is needed");
        for (String t : templates) {
            require(t.contains("{}"), "caption template has no '{}' placeholder: " + t);
        }
    }

    /**
     * The small CLIP pre-trained here. The fp16 file must stay ≤ 25 MB, and the token embedding
     * (49408 × text width) dominates it: text width 192 would already make 26.3 MB in all, so the
     * text tower is 128 wide (its captions are a closed language of templates × class names, which
     * needs little capacity), 4 layers, 2 heads of 64. The image tower does the hard work: 64 px
     * images in 8 px patches (64 tokens + class token), 192 wide, 4 layers, 3 heads of 64; CIFAR's
     * 32 px and the ≤ 256 px shared images both survive 64 px. 9.0 M parameters, 18.0 MB in fp16.
     */
    public static ClipConfig smallModel() {
        return new ClipConfig(128, 64, 4, 192, 3, 8, 77, 49408, 128, 2, 4);
    }

    /** Caltech101 (train split), ImageNet (train) and CIFAR-10 (image folder, train) under {@code sharedDatasets}. */
    public static List<DatasetSpec> sharedDatasets(Path sharedDatasets) {
        return List.of(
                new DatasetSpec("Caltech101", sharedDatasets),
                new DatasetSpec("ImageNet", sharedDatasets),
                new DatasetSpec("imagefolder", sharedDatasets.resolve("cifar10")));
    }

    /**
     * The recipe for the shared datasets: {@link #smallModel()}, batch 128, AdamW lr 5e-4 (wd 0.1)
     * with 100 warm-up steps then cosine, CLIP's 60 ensemble templates, a checkpoint every 50 steps.
     */
    public static PretrainSettings defaults(Path sharedDatasets, int epochs) {
        return new PretrainSettings(smallModel(), sharedDatasets(sharedDatasets), epochs, 128, 5e-4f, 0.1f, 100, 1,
                Templates.ENSEMBLE, 50, 2, BadSamplePolicy.FAIL);
    }

    public PretrainSettings withEpochs(int e) {
        return new PretrainSettings(model, datasets, e, batchSize, lr, weightDecay, warmupSteps, seed, templates,
                checkpointEvery, workers, badImages);
    }

    public PretrainSettings withCheckpointEvery(int steps) {
        return new PretrainSettings(model, datasets, epochs, batchSize, lr, weightDecay, warmupSteps, seed, templates,
                steps, workers, badImages);
    }

    /** The per-step learning rate over a run of {@code batchesPerEpoch} steps per epoch. */
    public WarmupCosine schedule(int batchesPerEpoch) {
        return new WarmupCosine(lr, warmupSteps, (long) epochs * batchesPerEpoch);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid pre-training settings: " + message);
        }
    }
}
