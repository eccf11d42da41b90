package org.dpl4j.bench;

import org.dpl4j.model.ClipConfig;

/** Analytic multiply-add counts (×2 = FLOPs) of CLIP forward passes, for GFLOP/s figures. */
public final class FlopCount {
    private FlopCount() {}

    /** One pre-LN block over L tokens of width W attending to L + extra keys. */
    static double block(long tokens, long width, long extraKeys) {
        double l = tokens;
        double w = width;
        return 2 * (l * w * 3 * w + 2 * l * (l + extraKeys) * w + l * w * w + 2 * l * w * 4 * w);
    }

    public static double imageForward(ClipConfig c, int images) {
        double patches = 2.0 * c.grid() * c.grid() * 3 * c.visionPatchSize() * c.visionPatchSize() * c.visionWidth();
        return images * (patches + c.visionLayers() * block(c.imageTokens(), c.visionWidth(), 0));
    }

    public static double textForward(ClipConfig c, int classes, int tokens) {
        return classes * (double) c.textLayers() * block(tokens, c.textWidth(), 0);
    }
}
