package org.dpl4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.dpl4j.report.RunData.AlphaSnapshot;
import org.junit.jupiter.api.Test;

class AlphaStatsTest {
    @Test
    void marginIsTopMinusSecondWhateverTheOrder() {
        assertThat(AlphaStats.margin(new double[] {0.1, 0.6, 0.05, 0.25})).isCloseTo(0.35, within(1e-12));
        assertThat(AlphaStats.margin(new double[] {0.45, 0.45, 0.05, 0.05})).isZero();
        assertThat(AlphaStats.margin(new double[] {1.0})).isZero();
    }

    @Test
    void dominanceNeedsAMarginOfAtLeastTheThreshold() {
        double[][] w = {
            {0.1, 0, 0, 0},         // margin exactly 0.1 (0.55 − 0.45 is not, in doubles): the boundary counts
            {0.5, 0.42, 0.08, 0},   // margin 0.08: not
            {0.9, 0.05, 0.05, 0},   // clear winner
            {0.25, 0.25, 0.25, 0.25},
        };
        assertThat(AlphaStats.dominantBlocks(w)).isEqualTo(2);
        assertThat(AlphaStats.meanMargin(w)).isCloseTo((0.1 + 0.08 + 0.85 + 0) / 4, within(1e-9));
    }

    @Test
    void configurationMapsArgmaxThroughTheCandidateLengths() {
        double[][] w = {{0.1, 0.2, 0.3, 0.4}, {0.5, 0.5, 0, 0}, {0, 0.7, 0.3, 0}};
        // candidates {0,2,4,6}: index 3 is six tokens; ties take the first option, like torch.argmax
        assertThat(AlphaStats.configuration(w, List.of(0, 2, 4, 6))).containsExactly(6, 0, 2);
    }

    @Test
    void stableSinceIsTheLastEpochTheArgmaxChanged() {
        List<Integer> c = List.of(0, 1);
        List<AlphaSnapshot> s = List.of(
                new AlphaSnapshot(0, c, Map.of("text", new double[][] {{0.5, 0.5}}, "image", new double[][] {{0.4, 0.6}})),
                new AlphaSnapshot(1, c, Map.of("text", new double[][] {{0.4, 0.6}}, "image", new double[][] {{0.3, 0.7}})),
                new AlphaSnapshot(2, c, Map.of("text", new double[][] {{0.7, 0.3}}, "image", new double[][] {{0.2, 0.8}})),
                new AlphaSnapshot(3, c, Map.of("text", new double[][] {{0.8, 0.2}}, "image", new double[][] {{0.1, 0.9}})));
        assertThat(AlphaStats.stableSince(s, "text")).isEqualTo(2);
        assertThat(AlphaStats.stableSince(s, "image")).isEqualTo(0);
        assertThat(AlphaStats.stableSince(s, "other")).isNull();
    }

    @Test
    void branchesComeTextImageThenOthers() {
        assertThat(AlphaStats.branches(Map.of("zeta", 1, "image", 2, "alpha", 3, "text", 4)))
                .containsExactly("text", "image", "alpha", "zeta");
    }
}
