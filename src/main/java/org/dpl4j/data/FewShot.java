package org.dpl4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * K-shot subsets as in the DPL/CoOp protocol (Dassl's {@code generate_fewshot_dataset}): K images
 * per class from train and min(K, {@value #MAX_VAL_SHOTS}) per class from val; test is untouched.
 *
 * <p>Sampling is defined exactly so it is reproducible on any machine: one
 * {@code java.util.Random(seed)} is used first for train, then for val; within a split, classes are
 * visited in label order; a class's images are sorted by {@link Sample#BY_PATH}, and if it has more
 * than {@code k} of them a {@link Seeds#permutation} of them is drawn and its first {@code k}
 * entries are kept (a class with {@code k} or fewer images keeps all and draws nothing). The kept
 * images are listed by label, then by path. The file-system order and the order of the input
 * lists therefore never matter. The subsets differ from Dassl's for the same seed (Python's RNG).
 */
public final class FewShot {
    /** Cap on validation images per class, as in the reference code. */
    public static final int MAX_VAL_SHOTS = 4;

    private FewShot() {}

    /**
     * @param shots images per class; {@code <= 0} keeps everything
     * @return {@code full} itself when {@code shots <= 0}, otherwise the sampled dataset
     */
    public static DatasetSplits sample(DatasetSplits full, int shots, long seed) {
        if (shots <= 0) {
            return full;
        }
        Random rng = new Random(seed);
        List<Sample> train = perClass(full.train(), full.numClasses(), shots, rng);
        List<Sample> val = perClass(full.val(), full.numClasses(), Math.min(shots, MAX_VAL_SHOTS), rng);
        return full.withSplits(train, val, full.test());
    }

    /** As {@link #sample(DatasetSplits, int, long)} with {@code shots} as given on a command line. */
    public static DatasetSplits sample(DatasetSplits full, String shots, long seed) {
        return sample(full, parseShots(shots), seed);
    }

    /** {@code "all"} (any case) gives 0 = keep everything; otherwise an integer. */
    public static int parseShots(String shots) {
        String s = shots.strip();
        if (s.equalsIgnoreCase("all")) {
            return 0;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shots must be an integer or 'all', got '" + shots + "'");
        }
    }

    private static List<Sample> perClass(List<Sample> samples, int numClasses, int k, Random rng) {
        List<List<Sample>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (Sample s : samples) {
            byClass.get(s.label()).add(s);
        }
        List<Sample> out = new ArrayList<>();
        for (List<Sample> cls : byClass) {
            cls.sort(Sample.BY_PATH);
            if (cls.size() <= k) {
                out.addAll(cls);
                continue;
            }
            int[] perm = Seeds.permutation(cls.size(), rng);
            List<Sample> chosen = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                chosen.add(cls.get(perm[i]));
            }
            chosen.sort(Sample.BY_PATH);
            out.addAll(chosen);
        }
        return out;
    }

    /** Human-readable shot count for logs and run names: {@code "all"} or the number. */
    public static String describe(int shots) {
        return shots <= 0 ? "all" : Integer.toString(shots);
    }
}
