package org.dpl4j.training;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * PromptSRC's Gaussian prompt aggregation (GPA): the prompts used after training are
 * {@code Σ_e w_e θ_e}, the prompts θ_e at the end of every epoch e = 1 … E weighted by a Gaussian
 * over epochs ({@link #weights}). Register it with the train loop
 * ({@link EpochLoop#state(String, EpochLoop.EpochState)}): it adds {@code w_e θ_e} at each epoch end,
 * and its running sum and epoch count go into every checkpoint, so a resumed run ends with the same
 * aggregate (the official trainer keeps them only in memory and loses them on resume).
 *
 * <p>Only the learned prompts are aggregated. The official code aggregates the whole state dict,
 * frozen CLIP weights included, where {@code Σ_e w_e W = W} up to rounding since the weights sum to 1:
 * the identity, which we skip. Each product and sum is in the prompts' dtype (fp32), as the official
 * sum is in each entry's dtype; the weight is rounded to that dtype by the product, as torch does.
 */
public final class GaussianPromptAggregation implements EpochLoop.EpochState, AutoCloseable {
    private final Map<String, Tensor> prompts;
    private final double[] weights;
    private Owned owned = new Owned();
    private final Map<String, Tensor> sums = new LinkedHashMap<>();
    private int epochsAdded;

    /**
     * @param prompts the live learned tensors, by name (read at each epoch end, written by {@link #applyTo})
     * @param epochs E, the run's epochs: every one of them contributes
     * @param mean μ of the Gaussian over epochs 1 … E (official {@code GPA_MEAN})
     * @param std σ (official {@code GPA_STD})
     */
    public GaussianPromptAggregation(Map<String, Tensor> prompts, int epochs, double mean, double std) {
        this.prompts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(prompts)); // in the prompts' order
        this.weights = weights(epochs, mean, std);
    }

    /** The Gaussian over epochs of a run's GPA: μ ({@code GPA_MEAN}) and σ ({@code GPA_STD}), epochs counted from 1. */
    public record Schedule(double mean, double std) {
        public Schedule {
            weights(1, mean, std); // the same checks as the weights themselves
        }
    }

    /**
     * The weights w_1 … w_E (entry e−1 is epoch e's): the normal density
     * {@code g(e) = 1/(σ√(2π)) · exp(−½((e − μ)/σ)²)} at e = 1 … E, in float64, divided by their sum
     * accumulated from e = 1 upwards, operation for operation as the official {@code build_model}.
     */
    public static double[] weights(int epochs, double mean, double std) {
        if (epochs < 1) {
            throw new IllegalArgumentException("GPA needs at least one epoch, got " + epochs);
        }
        if (!(std > 0) || Double.isInfinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("GPA needs a finite mean and a positive finite standard deviation, got mean "
                    + mean + ", std " + std);
        }
        double[] g = new double[epochs];
        double norm = 1 / (std * Math.sqrt(2 * Math.PI));
        double sum = 0;
        for (int e = 1; e <= epochs; e++) {
            double z = (e - mean) / std;
            g[e - 1] = norm * Math.exp(-0.5 * (z * z));
            sum += g[e - 1];
        }
        if (!(sum > 0)) {
            // every density underflowed: mean too many σ away from all epochs
            throw new IllegalArgumentException("GPA weights all underflow to 0 for " + epochs + " epochs, mean " + mean
                    + ", std " + std);
        }
        for (int e = 0; e < epochs; e++) {
            g[e] /= sum;
        }
        return g;
    }

    /** The weights this aggregation uses (a copy). */
    public double[] weights() {
        return weights.clone();
    }

    /** Epochs added to the sum so far. */
    public int epochsAdded() {
        return epochsAdded;
    }

    /** Adds {@code w_e θ_e} for epoch e = {@code epoch} + 1, which must be the next one. */
    @Override
    public void epochEnd(int epoch) {
        if (epoch != epochsAdded) {
            throw new IllegalStateException("GPA: epoch " + (epoch + 1) + " ended, but " + epochsAdded
                    + " epochs are aggregated; epochs must be added in order, each once");
        }
        if (epoch >= weights.length) {
            throw new IllegalStateException("GPA: epoch " + (epoch + 1) + " is past the " + weights.length
                    + " epochs its weights were made for");
        }
        double w = weights[epoch];
        try (NoGrad g = NoGrad.open()) {
            for (Map.Entry<String, Tensor> e : prompts.entrySet()) {
                Tensor weighted = Tensors.mul(e.getValue().detach(), w);
                Tensor sum = sums.get(e.getKey());
                if (sum == null) {
                    sums.put(e.getKey(), owned.own(weighted.clone()));
                } else {
                    sum.add_(weighted);
                }
            }
        }
        epochsAdded++;
    }

    /** Whether every epoch has been added, so that the aggregate is final. */
    public boolean complete() {
        return epochsAdded == weights.length;
    }

    /** The running sum {@code Σ_{e ≤ epochsAdded} w_e θ_e} by name (owned by this aggregation). */
    public Map<String, Tensor> sums() {
        return java.util.Collections.unmodifiableMap(sums);
    }

    /**
     * Overwrites {@code params} (same names as the prompts) with the final aggregate, in place: what
     * evaluation and export then use.
     *
     * @throws IllegalStateException if not every epoch has been added
     */
    public void applyTo(Map<String, Tensor> params) {
        if (!complete()) {
            throw new IllegalStateException("GPA: only " + epochsAdded + " of " + weights.length
                    + " epochs aggregated; the aggregate is not final");
        }
        if (!params.keySet().equals(sums.keySet())) {
            throw new IllegalArgumentException("GPA: aggregated tensors " + sums.keySet() + " but asked to write " + params.keySet());
        }
        try (NoGrad g = NoGrad.open()) {
            params.forEach((k, v) -> v.copy_(sums.get(k)));
        }
    }

    /** Tensors {@code sum.<name>} (copies, on the prompts' device and in their dtype), {@code epochs} (I64, 1) and {@code weights} (F64, E). */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (NoGrad g = NoGrad.open()) {
            sums.forEach((k, v) -> out.put("sum." + k, v.clone()));
        }
        out.put("epochs", Tensors.longs(new long[] {epochsAdded}, 1)); // CPU: a host counter, for the checkpoint
        out.put("weights", Tensors.doubles(weights, weights.length)); // CPU: host values, for the checkpoint
        return out;
    }

    /**
     * Restores the running sum saved at the commit of {@code epochsDone} epochs, onto each prompt's
     * device and dtype.
     *
     * @throws IllegalStateException if it was made with other weights, counts other epochs, or lacks
     *     or mis-shapes a prompt
     */
    @Override
    public void load(Map<String, Tensor> state, int epochsDone) {
        Tensor w = state.get("weights");
        Tensor n = state.get("epochs");
        if (w == null || n == null) {
            throw new IllegalStateException("GPA state in the checkpoint lacks its " + (w == null ? "weights" : "epoch count"));
        }
        double[] saved = Tensors.toDoubles(w);
        if (!Arrays.equals(saved, weights)) {
            throw new IllegalStateException("GPA state in the checkpoint was made with other weights (" + saved.length
                    + " epochs) than this run's (" + weights.length + " epochs and its GPA mean and std)");
        }
        long count = Tensors.toLongs(n)[0];
        if (count != epochsDone) {
            throw new IllegalStateException("GPA state in the checkpoint has " + count
                    + " epochs aggregated, but the checkpoint is at the end of epoch " + epochsDone);
        }
        Map<String, Tensor> restored = new LinkedHashMap<>();
        if (count > 0) {
            for (Map.Entry<String, Tensor> e : prompts.entrySet()) {
                Tensor sum = state.get("sum." + e.getKey());
                if (sum == null || !Shape.of(sum).equals(Shape.of(e.getValue()))) {
                    throw new IllegalStateException("GPA state in the checkpoint does not match this run's prompts: sum of "
                            + e.getKey() + (sum == null ? " is missing" : " has shape " + Shape.of(sum)));
                }
                restored.put(e.getKey(), sum);
            }
        }
        owned.close();
        owned = new Owned();
        sums.clear();
        try (NoGrad g = NoGrad.open()) {
            restored.forEach((k, v) -> {
                Tensor live = prompts.get(k);
                sums.put(k, owned.own(v.to(live.device(), Tensors.dtype(live)).clone()));
            });
        }
        epochsAdded = (int) count;
    }

    @Override
    public void close() {
        owned.close();
    }
}
