package org.dpl4j.training;

import java.util.List;

/**
 * Correct predictions and images per class of one evaluation: the raw counts behind an
 * {@link EvalResult}, kept for reports that must show how many images each accuracy rests on.
 *
 * @param classNames class names, index = label
 * @param hits correct top-1 predictions per class
 * @param totals evaluated images per class (skipped images not counted)
 * @param skipped images left out because they could not be read
 */
public record ClassTally(List<String> classNames, int[] hits, int[] totals, int skipped) {

    public ClassTally {
        classNames = List.copyOf(classNames);
        if (hits.length != classNames.size() || totals.length != classNames.size()) {
            throw new IllegalArgumentException(classNames.size() + " classes but " + hits.length + " hit and "
                    + totals.length + " total counts");
        }
        hits = hits.clone();
        totals = totals.clone();
    }

    /** Top-1, macro and per-class accuracy of these counts. */
    public EvalResult result() {
        return EvalResult.of(classNames, hits, totals, skipped);
    }

    @Override
    public int[] hits() {
        return hits.clone();
    }

    @Override
    public int[] totals() {
        return totals.clone();
    }
}
