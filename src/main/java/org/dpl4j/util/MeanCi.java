package org.dpl4j.util;

import java.util.List;

/**
 * Mean and 95 % confidence half-width of a metric over seeds, as CoOp's {@code parse_test_res.py}
 * prints it (and the DPL code reuses): {@code 1.96 · σ / √n} with the <em>population</em> standard
 * deviation ({@code np.std}, ddof 0). With 3 seeds this is narrower than a t-interval would be; it is
 * kept so our tables compare directly with the papers', not because it is the better statistic.
 * The protocol's results table and the report both use this one definition.
 */
public record MeanCi(double mean, double ci95, int n) {

    /** Of the given values (all of them; filter non-finite ones first if they must not count). */
    public static MeanCi of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            return new MeanCi(Double.NaN, Double.NaN, 0);
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
        double var = values.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / n;
        return new MeanCi(mean, 1.96 * Math.sqrt(var) / Math.sqrt(n), n);
    }
}
