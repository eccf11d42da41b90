package org.dpl4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Base-to-new class splits, as CoOp's {@code subsample_classes}: with labels sorted, the first
 * ⌈C/2⌉ classes are "base" and the rest "new"; the chosen half is relabelled from 0 in the same
 * order, in every split. (CoOp takes the labels present in train; here they are 0..C-1 from
 * {@link DatasetSplits#classNames()}, which is the same whenever every class has training images.)
 */
public final class ClassSubset {
    private ClassSubset() {}

    /**
     * @param which {@code all} (returns {@code d}), {@code base} or {@code new}, any case
     */
    public static DatasetSplits subsample(DatasetSplits d, String which) {
        int c = d.numClasses();
        int m = (c + 1) / 2;
        int from;
        int to;
        switch (which.strip().toLowerCase(Locale.ROOT)) {
            case "all":
                return d;
            case "base":
                from = 0;
                to = m;
                break;
            case "new":
                from = m;
                to = c;
                break;
            default:
                throw new IllegalArgumentException("class subset must be all, base or new, got '" + which + "'");
        }
        List<String> names = d.classNames().subList(from, to);
        return new DatasetSplits(d.name(), names, keep(d.train(), from, to, names), keep(d.val(), from, to, names),
                keep(d.test(), from, to, names));
    }

    private static List<Sample> keep(List<Sample> samples, int from, int to, List<String> names) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.label() >= from && s.label() < to) {
                out.add(s.withLabel(s.label() - from, names.get(s.label() - from)));
            }
        }
        return out;
    }
}
