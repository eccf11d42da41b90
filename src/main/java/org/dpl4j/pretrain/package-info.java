/**
 * Pre-training a small CLIP from scratch on image–caption pairs made from labelled datasets, so
 * that the project has a model of its own to demonstrate prompt learning on (real CLIP weights
 * cannot be downloaded here).
 *
 * <ul>
 *   <li>{@link org.dpl4j.pretrain.CaptionedData} pools the train splits of several datasets under
 *       global class names and captions each image, per epoch, with a random class-name template;
 *       {@link org.dpl4j.pretrain.CaptionTokens} tokenizes the closed set of captions once.</li>
 *   <li>{@link org.dpl4j.pretrain.TrainableClip} holds every CLIP tensor as a parameter
 *       ({@link org.dpl4j.model.RandomWeights} initialisation), the token table cut to the rows the
 *       captions use.</li>
 *   <li>{@link org.dpl4j.pretrain.ContrastiveLoss}: CLIP's symmetric cross-entropy with a learnable,
 *       capped temperature and label-aware targets (same-class pairs in a batch are positives).</li>
 *   <li>{@link org.dpl4j.pretrain.Pretrainer} runs AdamW ({@link org.dpl4j.pretrain.GroupedAdamW})
 *       with a per-step {@link org.dpl4j.pretrain.WarmupCosine} rate, checkpoints at epoch ends and
 *       every N steps, resumes exactly, and exports with {@link org.dpl4j.pretrain.ModelExport}
 *       (fp16 OpenAI-named safetensors + {@code config.json}, loadable by
 *       {@link org.dpl4j.model.io.ClipLoader#load}).</li>
 *   <li>{@link org.dpl4j.pretrain.PretrainMain} is the recipe on the shared datasets, with epochs
 *       planned to fit a time budget ({@link org.dpl4j.pretrain.EpochPlan}).</li>
 * </ul>
 *
 * <p><b>Held out.</b> The recipe trains on Caltech101 (train split), ImageNet (train, after its val
 * carve) and CIFAR-10 (train folder, after its val carve) only; DTD and Oxford Pets, the datasets
 * prompt learning is evaluated on, are never seen.
 */
package org.dpl4j.pretrain;
