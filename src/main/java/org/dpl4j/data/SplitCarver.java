package org.dpl4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Carves splits out of one list of samples, class by class, for layouts that ship fewer than
 * three splits (ImageNet's val, image folders). Seeded and independent of file-system order:
 * one {@code Random(seed)} is used for the classes in label order; each class's images are sorted
 * by {@link Sample#BY_PATH}, permuted with {@link Seeds#permutation}, and cut in part order.
 */
final class SplitCarver {
    /** Seed of every carved split, fixed so a dataset's splits never change between runs. */
    static final long SEED = 1L;

    private SplitCarver() {}

    /**
     * @param fractions wanted share of each part; part 0 takes what the others leave. A class of
     *                  {@code n} images gives part {@code i > 0} {@code Math.round(n * fractions[i])}
     *                  images, reduced (last part first) so part 0 keeps at least one image.
     * @return the parts, each in label order and sorted by path within a class
     */
    static List<List<Sample>> carve(List<Sample> samples, int numClasses, double[] fractions, long seed) {
        List<List<Sample>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (Sample s : samples) {
            byClass.get(s.label()).add(s);
        }
        List<List<Sample>> parts = new ArrayList<>();
        for (int i = 0; i < fractions.length; i++) {
            parts.add(new ArrayList<>());
        }
        Random rng = new Random(seed);
        for (List<Sample> cls : byClass) {
            cls.sort(Sample.BY_PATH);
            int n = cls.size();
            int[] counts = counts(n, fractions);
            int[] perm = Seeds.permutation(n, rng);
            int pos = 0;
            for (int part = 0; part < counts.length; part++) {
                List<Sample> chosen = new ArrayList<>();
                for (int k = 0; k < counts[part]; k++) {
                    chosen.add(cls.get(perm[pos++]));
                }
                chosen.sort(Sample.BY_PATH);
                parts.get(part).addAll(chosen);
            }
        }
        return parts;
    }

    static int[] counts(int n, double[] fractions) {
        int[] c = new int[fractions.length];
        int others = 0;
        for (int i = 1; i < fractions.length; i++) {
            c[i] = (int) Math.round(n * fractions[i]);
            others += c[i];
        }
        for (int i = fractions.length - 1; i > 0 && n > 0 && others > n - 1; ) {
            if (c[i] > 0) {
                c[i]--;
                others--;
            } else {
                i--;
            }
        }
        c[0] = n - others;
        return c;
    }
}
