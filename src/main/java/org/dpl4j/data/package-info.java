/**
 * Datasets for prompt learning: which images exist, their labels and class names, and how they are
 * fed to the model. Nothing here decodes an image except the {@link org.dpl4j.data.SampleTransform}
 * that a caller hands to {@link org.dpl4j.data.BatchLoader}.
 *
 * <ul>
 *   <li>{@link org.dpl4j.data.Datasets} loads the eleven CoOp benchmark layouts and plain image
 *       folders into {@link org.dpl4j.data.DatasetSplits} (class names prompt-ready, CoOp's
 *       renames applied, every listed file checked).</li>
 *   <li>{@link org.dpl4j.data.FewShot} draws the K-shot train / min(K,4)-shot val subsets and
 *       {@link org.dpl4j.data.ClassSubset} the base/new class halves.</li>
 *   <li>{@link org.dpl4j.data.BatchLoader} decodes on worker threads and yields batches.</li>
 * </ul>
 *
 * <p><b>Determinism.</b> Everything random is seeded and specified in terms of
 * {@code java.util.Random} and {@link org.dpl4j.data.Seeds}, after sorting by path, so a seed gives
 * the same subsets, splits, batch order and augmentation on any machine, file system and thread count.
 *
 * <p><b>Differences from CoOp</b>, all deliberate: ImageNet's val split is carved from train (20%
 * per class) instead of reusing the test images; few-shot subsets use Java's RNG, so they are not
 * the same images as Dassl's for the same seed; underscores in class names become spaces at load
 * time (CoOp does it later, in its prompt learner).
 */
package org.dpl4j.data;
