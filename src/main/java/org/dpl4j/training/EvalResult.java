package org.dpl4j.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accuracy on a test split: top-1 over images, per class, and macro (mean of per-class). */
public record EvalResult(int images, double top1, double macro, Map<String, Double> perClass, int skipped) {

    /** From per-class hit and total counts. */
    public static EvalResult of(List<String> classNames, int[] hits, int[] totals, int skipped) {
        Map<String, Double> per = new LinkedHashMap<>();
        int n = 0;
        int h = 0;
        double macro = 0;
        int present = 0;
        for (int c = 0; c < classNames.size(); c++) {
            n += totals[c];
            h += hits[c];
            if (totals[c] > 0) {
                double a = 100.0 * hits[c] / totals[c];
                per.put(classNames.get(c), a);
                macro += a;
                present++;
            }
        }
        return new EvalResult(n, n == 0 ? 0 : 100.0 * h / n, present == 0 ? 0 : macro / present, per, skipped);
    }

    /** Harmonic mean of base and new accuracy (base-to-new protocol). */
    public static double harmonicMean(double base, double novel) {
        return base + novel == 0 ? 0 : 2 * base * novel / (base + novel);
    }
}
