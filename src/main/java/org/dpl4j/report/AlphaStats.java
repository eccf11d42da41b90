package org.dpl4j.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dpl4j.report.RunData.AlphaSnapshot;

/**
 * How sure the search is of its answer, from the softmax weights of one branch
 * ({@code [block][option]}).
 *
 * <p>The paper tracks "# Dominants" and "α Difference" per branch over the search epochs, but does
 * not define them (dpl-paper-notes §1.7). This report uses definitions that say directly whether
 * a block's argmax means anything:
 * <ul>
 *   <li><b>margin</b> of a block = largest weight − second largest. The paper's frequent "0~1"
 *       ties (a 50/50 split between no prompt and one token, §4.5) have margin ≈ 0: their argmax,
 *       i.e. the searched length, is a coin flip.</li>
 *   <li><b>dominant block</b> = margin ≥ {@link #DOMINANCE_MARGIN} (0.1 of probability mass). At
 *       initialisation (alpha ≈ 1e-3·N(0,1)) every margin is ≈ 0, so the count starts near 0 and
 *       rises as the search commits; it is bounded by the number of blocks.</li>
 *   <li><b>stable since</b> = first epoch from which the derived configuration (per-block argmax)
 *       no longer changed: a late value means the search had not settled.</li>
 * </ul>
 */
public final class AlphaStats {
    /** Minimum top-two margin for a block to count as dominant. */
    public static final double DOMINANCE_MARGIN = 0.1;

    private AlphaStats() {}

    /** Index of the largest weight (the first one on ties, as {@code torch.argmax}). */
    public static int argmax(double[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) {
            if (row[k] > row[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Largest minus second-largest weight; 0 for a single option. */
    public static double margin(double[] row) {
        if (row.length < 2) {
            return 0;
        }
        double[] s = row.clone();
        Arrays.sort(s);
        return s[s.length - 1] - s[s.length - 2];
    }

    /** Number of blocks whose margin reaches {@link #DOMINANCE_MARGIN}. */
    public static int dominantBlocks(double[][] w) {
        int n = 0;
        for (double[] row : w) {
            if (margin(row) >= DOMINANCE_MARGIN) {
                n++;
            }
        }
        return n;
    }

    /** Mean top-two margin over the blocks. */
    public static double meanMargin(double[][] w) {
        double s = 0;
        for (double[] row : w) {
            s += margin(row);
        }
        return w.length == 0 ? Double.NaN : s / w.length;
    }

    /** The configuration the weights imply: the candidate length of each block's argmax. */
    public static List<Integer> configuration(double[][] w, List<Integer> candidates) {
        List<Integer> out = new ArrayList<>(w.length);
        for (double[] row : w) {
            out.add(candidates.get(argmax(row)));
        }
        return out;
    }

    /**
     * Epoch from which a branch's derived configuration stays the same up to the last snapshot,
     * or null when no snapshot has this branch.
     */
    public static Integer stableSince(List<AlphaSnapshot> snapshots, String branch) {
        Integer since = null;
        List<Integer> last = null;
        for (AlphaSnapshot s : snapshots) {
            double[][] w = s.weights().get(branch);
            if (w == null) {
                continue;
            }
            List<Integer> c = configuration(w, s.candidates());
            if (!c.equals(last)) {
                since = s.epoch();
                last = c;
            }
        }
        return since;
    }

    /** Branch keys in the order the report shows them: text, image, then any others sorted. */
    public static List<String> branches(Map<String, ?> byBranch) {
        List<String> out = new ArrayList<>();
        for (String b : List.of("text", "image")) {
            if (byBranch.containsKey(b)) {
                out.add(b);
            }
        }
        byBranch.keySet().stream().filter(b -> !out.contains(b)).sorted().forEach(out::add);
        return out;
    }
}
