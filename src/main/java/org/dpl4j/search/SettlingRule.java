package org.dpl4j.search;

import java.util.List;
import org.dpl4j.prompts.PromptConfig;

/**
 * The search's opt-in stopping rule ({@code --stop-when-settled P}, docs/design.md §5): stop once
 * the derived layout (per-block argmax of both branches) has not changed for {@code patience}
 * epochs and every block's top-two softmax margin is at least {@code margin}. The layout is all the
 * search hands on, so epochs after it has settled only cost time; the margin guards against
 * stopping while two candidates are still neck and neck.
 *
 * @param patience epochs the layout must stay unchanged; 0 = off (search all epochs)
 * @param margin smallest top-two softmax margin every block must reach
 */
public record SettlingRule(int patience, double margin) {
    /** The smallest top-two margin of a settled block unless asked otherwise (a constant, for the command-line help). */
    public static final double MARGIN = 0.01;
    public static final SettlingRule OFF = new SettlingRule(0, MARGIN);

    public SettlingRule {
        if (patience < 0) {
            throw new IllegalArgumentException("--stop-when-settled must be 0 (off) or a positive number of epochs, got "
                    + patience);
        }
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("--settled-margin must be in [0, 1), got " + margin);
        }
    }

    public boolean enabled() {
        return patience > 0;
    }

    /**
     * A reason to stop after the snapshots so far (epoch 0 = the initial alphas, one per epoch
     * after it), or null to go on.
     */
    public String reasonToStop(List<AlphaSnapshot> snapshots) {
        if (!enabled() || snapshots.size() <= patience) {
            return null;
        }
        AlphaSnapshot last = snapshots.get(snapshots.size() - 1);
        PromptConfig layout = last.layout();
        for (int i = snapshots.size() - 1 - patience; i < snapshots.size() - 1; i++) {
            if (!snapshots.get(i).layout().equals(layout)) {
                return null;
            }
        }
        double smallest = Math.min(min(SearchResult.margins(last.text())), min(SearchResult.margins(last.image())));
        if (smallest < margin) {
            return null;
        }
        return String.format("layout unchanged for %d epochs (since epoch %d) and every block's top-two margin >= %s"
                + " (smallest %.4f)", patience, last.epoch() - patience, margin, smallest);
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }
}
