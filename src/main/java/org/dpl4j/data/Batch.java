package org.dpl4j.data;

import java.util.List;

/**
 * One decoded batch, ready to be wrapped in a tensor.
 *
 * @param pixels the samples' transform outputs concatenated, i.e. {@code B*3*H*W} floats in
 *               {@code NCHW} order when the transform returns {@code CHW}
 * @param labels class index of each sample
 * @param samples the samples, in batch order (for logging and per-image results)
 */
public record Batch(float[] pixels, int[] labels, List<Sample> samples) {

    public Batch {
        samples = List.copyOf(samples);
        if (labels.length != samples.size() || (samples.isEmpty() ? pixels.length != 0
                : pixels.length % samples.size() != 0)) {
            throw new IllegalArgumentException("batch of " + samples.size() + " samples with " + labels.length
                    + " labels and " + pixels.length + " pixel values");
        }
    }

    /** Number of samples B. */
    public int size() {
        return samples.size();
    }

    /** Floats per sample ({@code 3*H*W}). */
    public int valuesPerSample() {
        return samples.isEmpty() ? 0 : pixels.length / samples.size();
    }
}
