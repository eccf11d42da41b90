package org.dpl4j.testutil;

import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.RandomWeights;

/** Random CLIP models of any size for tests that need no golden data. */
public final class RandomClip {
    private RandomClip() {}

    public static ClipModel create(ClipConfig cfg, long seed) {
        return RandomWeights.model(cfg, seed);
    }

    /** Rows of [SOT, random ids, EOT, 0...] with varied lengths. */
    public static long[][] randomTokens(int n, ClipConfig cfg, long seed) {
        java.util.Random r = new java.util.Random(seed);
        long[][] t = new long[n][cfg.contextLength()];
        for (int i = 0; i < n; i++) {
            int len = 2 + r.nextInt(Math.min(8, cfg.contextLength() - 2));
            t[i][0] = cfg.vocabSize() - 2;
            for (int j = 1; j < len; j++) {
                t[i][j] = 1 + r.nextInt(cfg.vocabSize() - 3);
            }
            t[i][len] = cfg.vocabSize() - 1;
        }
        return t;
    }
}
