package org.dpl4j.search;

import java.util.List;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.training.EpochLoop;

/**
 * The outcome of a search: the configuration (per-block argmax), how confident each block's
 * choice is (softmax margin between the top two candidates), and per branch how many blocks
 * are dominated by one candidate (margin ≥ the threshold in the settings); also how many epochs
 * were searched and, when the {@link SettlingRule} ended it early, why ({@code stopReason}, else null).
 */
public record SearchResult(PromptConfig config, List<Integer> candidates, double[] textMargins, double[] imageMargins,
        int textDominant, int imageDominant, double dominantMargin, int epochs, String stopReason) {

    public static SearchResult of(AlphaSnapshot s, PromptConfig config, double dominantMargin, EpochLoop.Outcome outcome) {
        double[] t = margins(s.text());
        double[] i = margins(s.image());
        return new SearchResult(config, s.candidates(), t, i, count(t, dominantMargin), count(i, dominantMargin), dominantMargin,
                outcome.epochsDone(), outcome.stopReason());
    }

    static double[] margins(float[][] w) {
        double[] out = new double[w.length];
        for (int l = 0; l < w.length; l++) {
            float a = Float.NEGATIVE_INFINITY;
            float b = Float.NEGATIVE_INFINITY;
            for (float v : w[l]) {
                if (v > a) {
                    b = a;
                    a = v;
                } else if (v > b) {
                    b = v;
                }
            }
            out[l] = w[l].length < 2 ? 1 : a - b;
        }
        return out;
    }

    private static int count(double[] m, double threshold) {
        int n = 0;
        for (double v : m) {
            if (v >= threshold) {
                n++;
            }
        }
        return n;
    }
}
